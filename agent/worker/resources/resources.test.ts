import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { paddedBytes } from "../../../components/core/units/bytes.js";
import { Semaphore } from "./semaphore.js";
import { admissionProblem, costOf } from "./stage-cost.js";
import { StageLimiter } from "./stage-limiter.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("semaphore", () => {
  it("grants in FIFO order and a release works once", async () => {
    const s = new Semaphore(1);
    const r1 = s.tryAcquire();
    assert.ok(r1);
    assert.equal(s.tryAcquire(), undefined);
    const order: string[] = [];
    const a = s.acquire().then((r) => {
      order.push("a");
      return r;
    });
    const b = s.acquire().then((r) => {
      order.push("b");
      return r;
    });
    r1();
    r1(); // second call is a no-op, not a second permit
    const ra = await a;
    await tick();
    assert.deepEqual(order, ["a"]);
    assert.equal(s.inUse, 1);
    ra();
    (await b)();
    assert.deepEqual(order, ["a", "b"]);
    assert.equal(s.inUse, 0);
  });
  it("drops a waiter whose signal aborts", async () => {
    const s = new Semaphore(1);
    const r = s.tryAcquire();
    const ac = new AbortController();
    const p = s.acquire(ac.signal);
    ac.abort(new Error("paused"));
    await assert.rejects(p, /paused/);
    assert.equal(s.waiting, 0);
    r?.();
    assert.equal(s.inUse, 0);
  });
});

describe("stage limiter", () => {
  it("limits concurrency per stage and leaves other stages unlimited", async () => {
    const l = new StageLimiter({ pc1: 2 }, {});
    const a = await l.acquire("pc1");
    const b = await l.acquire("pc1");
    let third = false;
    const c = l.acquire("pc1").then((r) => {
      third = true;
      return r;
    });
    await tick();
    assert.equal(third, false);
    assert.deepEqual(l.usage("pc1"), { running: 2, limit: 2, waiting: 1 });
    const others = await Promise.all([l.acquire("tree_d"), l.acquire("tree_d"), l.acquire("tree_d")]);
    a();
    (await c)();
    b();
    for (const r of others) r();
    assert.equal(third, true);
    assert.equal(l.usage("pc1").running, 0);
  });
  it("staggers starts by the interval", async () => {
    const l = new StageLimiter({}, { pc1: 300 });
    const t0 = Date.now();
    const first = await l.acquire("pc1");
    const second = await l.acquire("pc1");
    const gap = Date.now() - t0;
    assert.ok(gap >= 290, `second start after ${gap} ms`);
    second();
    first();
  });
  it("lets the next start go early when a task of the stage finishes", async () => {
    // An interval no test outlives: if the third start is let through at all, a finish let it through.
    const l = new StageLimiter({}, { pc1: 3_600_000 });
    const first = await l.acquire("pc1");
    let started = false;
    const next = l.acquire("pc1").then((release) => {
      started = true;
      return release;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(started, false, "the interval holds the next start");
    first();
    (await next)();
  });
});

describe("stage costs", () => {
  it("scales with the sector size and refuses with numbers", () => {
    const big = costOf("pc1", paddedBytes(32 * 1024 ** 3));
    assert.equal(big.ramBytes, 64 * 1024 ** 3);
    assert.equal(
      admissionProblem("pc1", big, { ramBytes: 31 * 1024 ** 3, gpus: 0 }),
      "pc1 not accepted: ram required 64 GiB, available 31 GiB",
    );
    assert.equal(
      admissionProblem("pc1", costOf("pc1", paddedBytes(2048)), { ramBytes: 1024 ** 3, gpus: 0 }),
      undefined,
    );
    assert.match(
      admissionProblem("c2", costOf("c2", paddedBytes(2048)), { ramBytes: 1024 ** 3, gpus: 0 }) ?? "",
      /gpu required 1, available 0/,
    );
  });
});
