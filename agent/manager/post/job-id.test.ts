import assert from "node:assert/strict";
import { test } from "node:test";
import { base58, goJson, wdpostJobId } from "./job-id.js";

test("base58 uses the Bitcoin alphabet and keeps leading zero bytes as '1'", () => {
  assert.equal(base58(Buffer.from("hello world")), "StV1DL6CwTryKyV");
  assert.equal(base58(Buffer.from([0, 0, 1])), "112");
  assert.equal(base58(Buffer.from([])), "");
});

test("job ids are content hashes: same input, same id", () => {
  const a = wdpostJobId('{"MinerId":1000}');
  assert.equal(a, wdpostJobId('{"MinerId":1000}'));
  assert.notEqual(a, wdpostJobId('{"MinerId":1001}'));
  assert.match(a, /^[1-9A-HJ-NP-Za-km-z]{8,12}$/);
});

test("a job id is damocles': base58 of the little-endian xxhash64 of the input as Go marshals it", () => {
  const input = {
    Sectors: [
      { SectorId: 7, CommR: [1, 2, 3], Upgrade: false, Accesses: { SealedFile: "a<b&c>", CacheDir: "a<b&c>" } },
    ],
    MinerId: 1000,
    ProofType: "StackedDrgWindow2KiBV1_2",
    Seed: [9, 9],
  };
  const json = JSON.stringify(input);
  // Go escapes <, > and & in strings; the hash is over those bytes (xxhsum -H64 of them: 31c2fd6ce10da6fe).
  assert.equal(
    goJson(json),
    '{"Sectors":[{"SectorId":7,"CommR":[1,2,3],"Upgrade":false,"Accesses":{"SealedFile":"a\\u003cb\\u0026c\\u003e",' +
      '"CacheDir":"a\\u003cb\\u0026c\\u003e"}}],"MinerId":1000,"ProofType":"StackedDrgWindow2KiBV1_2","Seed":[9,9]}',
  );
  assert.equal(wdpostJobId(json), "jbQqDQzcdSG");
});
