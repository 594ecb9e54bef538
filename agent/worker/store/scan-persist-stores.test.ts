import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { scratchDir } from "../../../test/support/scratch-dir.js";
import { parseSectorStoreJson, scanPersistStores } from "./scan-persist-stores.js";

const root = scratchDir("sealfarm-scan-");

describe("scan_persist_stores", () => {
  it("reads Name, falls back to ID, and honours ReadOnly", () => {
    assert.deepEqual(parseSectorStoreJson('{"ID":"abc","ReadOnly":true}', "/mnt/a"), {
      name: "abc",
      location: "/mnt/a",
      readonly: true,
    });
    assert.deepEqual(parseSectorStoreJson('{"Name":"p1","ID":"abc"}', "/mnt/b"), {
      name: "p1",
      location: "/mnt/b",
      readonly: false,
    });
    assert.match(String(parseSectorStoreJson("{}", "/mnt/c")), /\/mnt\/c\/sectorstore\.json: has neither Name nor ID/);
    assert.match(String(parseSectorStoreJson("{", "/mnt/c")), /not JSON/);
  });
  it("keeps Meta (for custom transfer processors) and rejects a Meta that is not an object of strings", () => {
    assert.deepEqual(parseSectorStoreJson('{"Name":"s3","Meta":{"bucket":"b1"}}', "/mnt/s3"), {
      name: "s3",
      location: "/mnt/s3",
      readonly: false,
      meta: { bucket: "b1" },
    });
    assert.match(
      String(parseSectorStoreJson('{"Name":"s3","Meta":{"n":1}}', "/mnt/s3")),
      /Meta\.n: expected an object of strings/,
    );
    assert.match(
      String(parseSectorStoreJson('{"Name":"s3","Meta":[]}', "/mnt/s3")),
      /Meta: expected an object of strings/,
    );
  });
  it("expands the glob and keeps only directories with a sectorstore.json", () => {
    for (const d of ["p1", "p2", "empty"]) mkdirSync(join(root, d));
    writeFileSync(join(root, "p1", "sectorstore.json"), '{"Name":"persist-1"}');
    writeFileSync(join(root, "p2", "sectorstore.json"), '{"ID":"persist-2","ReadOnly":true}');
    writeFileSync(join(root, "not-a-dir"), "");
    const { stores, problems } = scanPersistStores([join(root, "*"), join(root, "missing", "*")]);
    assert.deepEqual(problems, []);
    assert.deepEqual(stores, [
      { name: "persist-1", location: join(root, "p1"), readonly: false },
      { name: "persist-2", location: join(root, "p2"), readonly: true },
    ]);
  });
});
