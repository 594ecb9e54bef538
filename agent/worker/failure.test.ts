import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wireFailureLevel } from "../shared/rpc/venus-types.js";
import { abort, asFailure, crit, decideRetry, Failure, perm, temp } from "./failure.js";

describe("failure levels", () => {
  it("classifies at the point of understanding and keeps the first classification", () => {
    const t = temp(new Error("connection refused"), "Venus.AssignTicket");
    assert.equal(t.level, "temporary");
    assert.equal(t.message, "Venus.AssignTicket: connection refused");
    assert.equal(perm(t).level, "temporary", "an already classified failure is not reclassified");
    assert.equal(abort("rejected").level, "abort");
    assert.equal(crit(new Error("EACCES")).level, "critical");
    assert.equal(asFailure(new TypeError("x is undefined")).level, "critical");
    assert.ok(asFailure(t) === t);
  });
  it("names the level, the step and the cause", () => {
    const f = new Failure("permanent", "Venus.SubmitPreCommit rejected: bad CommD");
    assert.equal(
      f.describe("s-t01000-42 PC2Done→PCSubmitted"),
      "permanent: s-t01000-42 PC2Done→PCSubmitted: Venus.SubmitPreCommit rejected: bad CommD",
    );
    assert.equal(wireFailureLevel[f.level], "Permanent");
  });
  it("goes on the wire in damocles' spelling, one name per level", () => {
    assert.deepEqual(
      (["temporary", "permanent", "abort", "critical"] as const).map((l) => wireFailureLevel[l]),
      ["Temporary", "Permanent", "Abort", "Critical"],
    );
  });
  it("retries temporary failures until max_retries, then escalates and resets", () => {
    assert.deepEqual(decideRetry("temporary", 0, 2), { level: "temporary", retry: 1 });
    assert.deepEqual(decideRetry("temporary", 1, 2), { level: "temporary", retry: 2 });
    assert.deepEqual(decideRetry("temporary", 2, 2), { level: "permanent", retry: 0 });
    assert.deepEqual(decideRetry("temporary", 0, 0), { level: "permanent", retry: 0 });
    assert.deepEqual(decideRetry("temporary", 3, 3, "abort"), { level: "abort", retry: 0 });
  });
  it("passes other levels through without touching the counter", () => {
    for (const level of ["permanent", "abort", "critical"] as const) {
      assert.deepEqual(decideRetry(level, 1, 5), { level, retry: 1 });
    }
  });
});
