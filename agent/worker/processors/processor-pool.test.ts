// Pool mechanics against real child processes. The child is a custom processor (test/fixtures/worker/
// custom-processor.mjs), because out-of-order replies, mid-task deaths and bad ready lines cannot be provoked in
// the real stages on demand; the real sealfarm-proofs stages are exercised in test/integration/worker.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  defaultProcessorEntry,
  type ProcessorEntry,
  type ProcessorStage,
  type ProcessorsConfig,
} from "../config/worker-config.js";
import { ProcessorChild } from "./processor-child.js";
import { ProcessorPool } from "./processor-pool.js";

const fixture = fileURLToPath(new URL("../../../test/fixtures/worker/custom-processor.mjs", import.meta.url));

function entry(stage: ProcessorStage, index: number, over: Partial<ProcessorEntry> = {}): ProcessorEntry {
  return {
    ...defaultProcessorEntry(stage, process.execPath, index),
    args: [fixture, stage],
    stableWaitMs: 3000,
    ...over,
  };
}

function config(over: Partial<ProcessorsConfig>): ProcessorsConfig {
  return { concurrent: {}, staggeredMs: {}, extLocks: {}, staticTreeD: {}, entries: {}, ...over };
}

const pools: ProcessorPool[] = [];
after(async () => {
  await Promise.all(pools.map((p) => p.stop()));
});
async function startPool(c: ProcessorsConfig): Promise<ProcessorPool> {
  const p = new ProcessorPool(c, "/nonexistent/sealfarm-proofs", { restartDelayMs: 200 });
  pools.push(p);
  await p.start();
  return p;
}

type Out = { echo: unknown; pid: number; env: Record<string, string | null> };

describe("processor pool", () => {
  it("matches out-of-order replies by id and passes err_msg through", async () => {
    const pool = await startPool(config({ entries: { pc1: [entry("pc1", 0)] } }));
    // Sent first, answered only after the second: the child holds it until "fast" was answered.
    const slow = pool.run("pc1", { after: "fast", echo: "slow" }) as Promise<Out>;
    const fast = pool.run("pc1", { echo: "fast" }) as Promise<Out>;
    const order: string[] = [];
    await Promise.all([slow.then((o) => order.push(String(o.echo))), fast.then((o) => order.push(String(o.echo)))]);
    assert.deepEqual(order, ["fast", "slow"]);
    await assert.rejects(pool.run("pc1", { fail: "bad ticket" }), /pc1: bad ticket/);
  });

  it("applies envs over inherited ones and injects VC_CG_CPUSET / NUMA", async () => {
    process.env.SEALFARM_TEST_INHERITED = "parent";
    const pool = await startPool(
      config({
        entries: {
          pc2: [entry("pc2", 0, { envs: { CUDA_VISIBLE_DEVICES: "1" }, cpuset: "0", numaPreferred: 0 })],
          c2: [entry("c2", 0, { inheritEnvs: false, envs: { ONLY: "this" } })],
        },
      }),
    );
    const names = [
      "CUDA_VISIBLE_DEVICES",
      "VC_CG_CPUSET",
      "VC_CG_NAME",
      "VENUS_WORKER_NUMA_PREFERRED",
      "SEALFARM_TEST_INHERITED",
      "ONLY",
    ];
    const a = (await pool.run("pc2", { env: names })) as Out;
    assert.equal(a.env.CUDA_VISIBLE_DEVICES, "1");
    assert.equal(a.env.VC_CG_CPUSET, "0");
    assert.equal(a.env.VC_CG_NAME, `vc-worker/sub-pc2-${process.pid}-0`);
    assert.equal(a.env.VENUS_WORKER_NUMA_PREFERRED, "0");
    assert.equal(a.env.SEALFARM_TEST_INHERITED, "parent");
    const b = (await pool.run("c2", { env: names })) as Out;
    assert.equal(b.env.SEALFARM_TEST_INHERITED, null);
    assert.equal(b.env.ONLY, "this");
  });

  it("respects per-child concurrent, spreads load, and shares ext_locks across stages", async () => {
    const pool = await startPool(
      config({
        extLocks: { gpu0: 1 },
        entries: {
          pc1: [entry("pc1", 0, { concurrent: 1 }), entry("pc1", 1, { concurrent: 1 })],
          pc2: [entry("pc2", 0, { locks: ["gpu0"] })],
          c2: [entry("c2", 0, { locks: ["gpu0"] })],
        },
      }),
    );
    const t0 = Date.now();
    const three = (await Promise.all([0, 1, 2].map(() => pool.run("pc1", { sleep_ms: 250 })))) as Out[];
    const took = Date.now() - t0;
    assert.equal(new Set(three.map((o) => o.pid)).size, 2, "both pc1 children got work");
    assert.ok(took >= 480, `3 tasks on 2 single-slot children need two rounds, took ${took} ms`);
    // pc2 and c2 hold the same gpu0 lock: they run one after the other.
    const t1 = Date.now();
    await Promise.all([pool.run("pc2", { sleep_ms: 250 }), pool.run("c2", { sleep_ms: 250 })]);
    assert.ok(Date.now() - t1 >= 480, "gpu0 serialized pc2 and c2");
  });

  it("enforces limitation.concurrent across children", async () => {
    const pool = await startPool(
      config({ concurrent: { tree_d: 1 }, entries: { tree_d: [entry("tree_d", 0), entry("tree_d", 1)] } }),
    );
    const t0 = Date.now();
    await Promise.all([pool.run("tree_d", { sleep_ms: 200 }), pool.run("tree_d", { sleep_ms: 200 })]);
    assert.ok(Date.now() - t0 >= 390);
  });

  it("fails in-flight requests when a child dies and restarts it for the next task", async () => {
    const pool = await startPool(config({ entries: { pc1: [entry("pc1", 0)] } }));
    const before = (await pool.run("pc1", {})) as Out;
    // Still running when the child dies, however slow the machine (it would answer only in 10 minutes).
    const inflight = pool.run("pc1", { sleep_ms: 600_000, echo: "lost" });
    await assert.rejects(pool.run("pc1", { sleep_ms: 20, crash: true }), /child process exited: pc1/);
    await assert.rejects(inflight, /child process exited: pc1/);
    const afterRestart = (await pool.run("pc1", { echo: "again" })) as Out;
    assert.equal(afterRestart.echo, "again");
    assert.notEqual(afterRestart.pid, before.pid);
    assert.equal(pool.list()[0]?.restarts, 1);
  });

  it("fails startup when a child is not ready within stable_wait or says the wrong thing", async () => {
    const silent = new ProcessorChild(entry("pc1", 0, { args: [fixture, "pc1", "--no-ready"], stableWaitMs: 300 }));
    await assert.rejects(silent.start(), /pc1\[0\]: no "pc1 processor ready" line within 300 ms/);
    const wrong = new ProcessorChild(
      entry("pc1", 0, { args: [fixture, "pc1", "--ready-line", "pc2 processor ready"] }),
    );
    await assert.rejects(wrong.start(), /expected "pc1 processor ready" as the first line, got "pc2 processor ready"/);
    const dies = new ProcessorChild(entry("c2", 0, { args: [fixture, "c2", "--crash-on-start"] }));
    await assert.rejects(
      dies.start(),
      /c2\[0\]: exited before it was ready \(code 3\): custom-processor: refusing to start/,
    );
    const missing = new ProcessorChild(entry("c2", 0, { bin: "/nonexistent/bin" }));
    await assert.rejects(missing.start(), /cannot start \/nonexistent\/bin: spawn \/nonexistent\/bin ENOENT/);
  });
});
