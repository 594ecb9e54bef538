import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makespanLowerBound } from "./pipeline-bound.js";

const sector = (a: number, pc1: number, b: number) =>
  [
    ["A", a],
    ["PC1", pc1],
    ["B", b],
  ] as const;

describe("makespan lower bound", () => {
  it("is the longest sector when threads and limits are plentiful", () => {
    const r = makespanLowerBound({ sectors: [sector(1, 2, 3), sector(1, 2, 4)], threads: 4, limits: { PC1: 4 } });
    assert.equal(r.boundMs, 7);
    assert.equal(r.parts.longestSectorMs, 7);
  });
  it("spreads total sector time over the threads", () => {
    const r = makespanLowerBound({ sectors: Array.from({ length: 8 }, () => sector(1, 1, 2)), threads: 2, limits: {} });
    assert.equal(r.parts.threadsMs, 16);
    assert.equal(r.boundMs, 16);
  });
  it("serializes a limited stage: shortest way in + Σ/limit + shortest way out", () => {
    const r = makespanLowerBound({
      sectors: [sector(1, 10, 1), sector(2, 10, 1), sector(1, 10, 3), sector(1, 10, 1)],
      threads: 4,
      limits: { PC1: 2 },
    });
    assert.equal(r.parts.limited.PC1, 1 + 40 / 2 + 1);
    assert.equal(r.boundMs, 22);
  });
});
