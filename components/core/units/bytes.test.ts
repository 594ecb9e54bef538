import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { paddedBytes, parseBytes, toPadded, toUnpadded } from "./bytes.js";

describe("byte sizes", () => {
  it("parses byte sizes", () => {
    assert.equal(parseBytes("2KiB"), 2048);
    assert.equal(parseBytes("8 MiB"), 8 << 20);
    assert.equal(parseBytes("32GiB"), 32 * 1024 ** 3);
    assert.equal(parseBytes("1kb"), 1000);
    assert.equal(parseBytes(4096), 4096);
    assert.throws(() => parseBytes("8 MiBs"), /expected a byte size/);
    assert.throws(() => parseBytes("0.5"), /not a whole number of bytes/);
    assert.throws(() => parseBytes(-1), /non-negative/);
  });
  it("converts padded and unpadded sizes", () => {
    assert.equal(toUnpadded(paddedBytes(2048)), 2032);
    assert.equal(toPadded(toUnpadded(paddedBytes(8 << 20))), 8 << 20);
  });
});
