import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatBytes, formatSeconds } from "./capacity-report.js";

describe("capacity report units", () => {
  it("picks the unit that keeps the number readable", () => {
    assert.equal(formatBytes(512), "512 B");
    assert.equal(formatBytes(14_541), "14.2 KiB");
    assert.equal(formatBytes(256 * 1024 ** 2), "256.0 MiB");
    assert.equal(formatBytes(Math.ceil(32 * 1024 ** 3 * 16.1)), "515.2 GiB");
    assert.equal(formatBytes(1024 ** 4), "1.0 TiB");
    assert.equal(formatSeconds(49), "49 s");
    assert.equal(formatSeconds(900), "15.0 min");
    assert.equal(formatSeconds(17_556), "4.88 h");
  });
});
