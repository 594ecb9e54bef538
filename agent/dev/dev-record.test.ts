import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { scratchDir } from "../../test/support/scratch-dir.js";
import { DEV_RECORD, diffDevOptions, prepareDevDirectory, renderMismatch } from "./dev-record.js";

const dir = scratchDir("sealfarm-dev-record-");
const small = { sectorSize: "2KiB", sectors: 4, threads: 3 };
const big = { sectorSize: "8MiB", sectors: 2, threads: 3 };

describe("the dev farm's recorded options", () => {
  it("names each option that differs, with the farm's value and the asked one", () => {
    assert.deepEqual(diffDevOptions(small, big), [
      "sector size: 2KiB in this farm, 8MiB asked",
      "sectors: 4 in this farm, 2 asked",
    ]);
    assert.deepEqual(diffDevOptions(small, { ...small }), []);
    // A SnapUp farm is another farm; a record from before the flag was made without it.
    assert.deepEqual(diffDevOptions(small, { ...small, snapup: true }), ["snapup: false in this farm, true asked"]);
    assert.deepEqual(diffDevOptions({ ...small, snapup: false }, small), []);
  });

  it("a new directory records the options; the same options continue; sizes are compared by value", () => {
    const root = join(dir, "a");
    assert.deepEqual(prepareDevDirectory(root, small, false), { ok: true, continuing: false });
    assert.deepEqual(JSON.parse(readFileSync(join(root, DEV_RECORD), "utf8")), { ...small, snapup: false });
    assert.deepEqual(prepareDevDirectory(root, { ...small, sectorSize: "2kib" }, false), {
      ok: true,
      continuing: true,
    });
  });

  it("other options stop with what differs and the commands to continue, start over or keep both", () => {
    const root = join(dir, "b");
    prepareDevDirectory(root, small, false);
    writeFileSync(join(root, "marker"), "the old farm's state");
    const v = prepareDevDirectory(root, big, false);
    assert.equal(v.ok, false);
    assert.equal(
      v.ok ? "" : v.message,
      [
        `sealfarm dev: ${root} holds another farm:`,
        "  sector size: 2KiB in this farm, 8MiB asked",
        "  sectors: 4 in this farm, 2 asked",
        "Continue that farm: sealfarm dev --sector-size 2KiB --sectors 4 --threads 3",
        `Start over with these options (deletes ${root}): sealfarm dev --fresh --sector-size 8MiB --sectors 2 --threads 3`,
        "Keep both: add --dir DIR to give this farm its own directory.",
      ].join("\n"),
    );
    assert.ok(existsSync(join(root, "marker")), "nothing was touched");
  });

  it("--fresh deletes the old farm and records the new options", () => {
    const root = join(dir, "c");
    prepareDevDirectory(root, small, false);
    writeFileSync(join(root, "marker"), "old");
    assert.deepEqual(prepareDevDirectory(root, big, true), { ok: true, continuing: false });
    assert.equal(existsSync(join(root, "marker")), false);
    assert.deepEqual(JSON.parse(readFileSync(join(root, DEV_RECORD), "utf8")), { ...big, snapup: false });
  });

  it("--fresh never deletes a directory dev did not make", () => {
    const root = join(dir, "d");
    mkdirSync(root);
    writeFileSync(join(root, "thesis.tex"), "precious");
    const v = prepareDevDirectory(root, small, true);
    assert.deepEqual(v, {
      ok: false,
      message: `sealfarm dev --fresh: ${root} is not a sealfarm dev directory (no ${DEV_RECORD}); not deleting it`,
    });
    assert.equal(readFileSync(join(root, "thesis.tex"), "utf8"), "precious");
  });

  it("a farm from before the record is not continued blindly", () => {
    const root = join(dir, "e");
    mkdirSync(join(root, "manager"), { recursive: true });
    writeFileSync(join(root, "manager", "manager.toml"), "# written by sealfarm dev\n");
    const v = prepareDevDirectory(root, small, false);
    assert.equal(v.ok, false);
    assert.match(v.ok ? "" : v.message, /made by an older sealfarm dev that did not record its options/);
    assert.equal(renderMismatch(root, undefined, small).includes("Continue that farm"), false);
    assert.deepEqual(prepareDevDirectory(root, small, true), { ok: true, continuing: false });
  });

  it("a damaged record is an error naming the file and the key", () => {
    const root = join(dir, "f");
    mkdirSync(root);
    writeFileSync(join(root, DEV_RECORD), JSON.stringify({ sectorSize: "2KiB", sectors: 0, threads: 3 }));
    assert.throws(
      () => prepareDevDirectory(root, small, false),
      new RegExp(`${DEV_RECORD}: /sectors: expected an integer ≥ 1, got 0`),
    );
  });
});
