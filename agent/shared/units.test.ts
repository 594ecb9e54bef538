import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatDurationMs,
  paddedBytes,
  parseBytes,
  parseDurationMs,
  parseSectorSize,
  sealProofName,
  sealProofTypesForSize,
  sectorSizeOfSealProof,
  toPadded,
  toUnpadded,
  updateProofName,
} from "./units.js";

describe("units", () => {
  it("parses humantime durations", () => {
    assert.equal(parseDurationMs("30s"), 30_000);
    assert.equal(parseDurationMs("5min"), 300_000);
    assert.equal(parseDurationMs("1h 30m"), 5_400_000);
    assert.equal(parseDurationMs("500ms"), 500);
    assert.equal(parseDurationMs("1.5s"), 1500);
  });
  it("rejects malformed durations with the expected form", () => {
    for (const bad of ["", "30", "30 parsecs", "s", "5min,"]) {
      assert.throws(() => parseDurationMs(bad), /expected a duration like "30s"/, bad);
    }
  });
  it("formats durations compactly", () => {
    assert.equal(formatDurationMs(850), "850ms");
    assert.equal(formatDurationMs(12_340), "12.3s");
    assert.equal(formatDurationMs(245_000), "4m05s");
  });
  it("parses byte sizes", () => {
    assert.equal(parseBytes("2KiB"), 2048);
    assert.equal(parseBytes("8 MiB"), 8 << 20);
    assert.equal(parseBytes("32GiB"), 32 * 1024 ** 3);
    assert.equal(parseBytes(4096), 4096);
    assert.throws(() => parseBytes("8 MiBs"), /expected a byte size/);
    assert.throws(() => parseBytes(-1), /non-negative/);
  });
  it("accepts only Filecoin sector sizes", () => {
    assert.equal(parseSectorSize("2KiB"), 2048);
    assert.throws(() => parseSectorSize("4KiB"), /one of "2KiB", "8MiB", "512MiB", "32GiB", "64GiB", got "4KiB"/);
  });
  it("maps sizes to seal proof types and names", () => {
    assert.deepEqual(sealProofTypesForSize(paddedBytes(32 * 1024 ** 3)), [8, 13, 18]);
    assert.equal(sectorSizeOfSealProof(5), 2048);
    assert.equal(sealProofName(5), "StackedDrg2KiBV1_1");
    assert.equal(sealProofName(8), "StackedDrg32GiBV1_1");
    assert.equal(sealProofName(0), "StackedDrg2KiBV1");
    // One update proof per size, whatever the seal proof's family (filecoin-proofs-api RegisteredUpdateProof).
    assert.equal(updateProofName(5), "StackedDrg2KiBV1");
    assert.equal(updateProofName(13), "StackedDrg32GiBV1");
    assert.equal(updateProofName(9), "StackedDrg64GiBV1");
  });
  it("converts padded and unpadded sizes", () => {
    assert.equal(toUnpadded(paddedBytes(2048)), 2032);
    assert.equal(toPadded(toUnpadded(paddedBytes(8 << 20))), 8 << 20);
  });
});
