// The duration grammar is written twice by necessity, as a parser and as the schemas' pattern; these tests keep
// the two one grammar: both schemas carry exactly `durationPattern`, and every example (good and bad) gets the
// same verdict from ajv and from the parser.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import managerSchema from "../../../schemas/manager.schema.json" with { type: "json" };
import workerSchema from "../../../schemas/worker.schema.json" with { type: "json" };
import { durationPattern, formatDurationMs, parseDurationMs } from "./duration.js";

const schemas = { "manager.schema.json": managerSchema, "worker.schema.json": workerSchema };
// What either parser accepted before they were one: Go-style and humantime forms, with and without spaces.
const accepted: [string, number][] = [
  ["30s", 30_000],
  ["5min", 300_000],
  ["5m", 300_000],
  ["5 m", 300_000],
  ["1h", 3_600_000],
  ["1h 30m", 5_400_000],
  ["1h30m", 5_400_000],
  ["500ms", 500],
  ["250ms", 250],
  ["1.5s", 1500],
  ["2 days", 172_800_000],
  [" 10s ", 10_000],
];
const refused = ["", " ", "30", "30 parsecs", "s", "5min,", "-5s", "1h-30m", "5mins30", "5s 3", "1e3s", "fast"];

describe("one duration grammar", () => {
  it("parses every accepted form into milliseconds", () => {
    for (const [text, ms] of accepted) assert.equal(parseDurationMs(text), ms, text);
  });

  it("refuses malformed durations naming the expected form", () => {
    for (const bad of refused)
      assert.throws(() => parseDurationMs(bad), /expected a duration like "30s", "5min" or "1h 30m"/, bad);
  });

  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name} uses exactly the parser's grammar, and its examples parse`, () => {
      const def = schema.$defs.duration as { pattern: string; examples: string[] };
      assert.equal(def.pattern, durationPattern);
      const validate = new Ajv2020({ strict: false }).compile(def);
      assert.ok(def.examples.length > 0);
      for (const example of def.examples) {
        assert.ok(validate(example), `${name} refuses its own example ${example}`);
        assert.ok(parseDurationMs(example) >= 0, example);
      }
      for (const [text] of accepted) assert.ok(validate(text), `${name} refuses ${JSON.stringify(text)}`);
      for (const bad of refused) assert.equal(validate(bad), false, `${name} accepts ${JSON.stringify(bad)}`);
    });
  }

  it("formats durations compactly", () => {
    assert.equal(formatDurationMs(850), "850ms");
    assert.equal(formatDurationMs(12_340), "12.3s");
    assert.equal(formatDurationMs(245_000), "4m05s");
    assert.equal(formatDurationMs(3_720_000), "1h02m");
  });
});
