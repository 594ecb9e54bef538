// What a handler test hands a stage handler: the StageDeps a sealing thread would build, over a real store and a
// real processor pool (no `[[processors]]`: every stage on `bin`), with short polling so waits stay short.
import type { VenusClient } from "../../agent/shared/rpc/index.js";
import { mergeSealing, type SealingOptions } from "../../agent/worker/config/worker-config.js";
import type { SealingPlan } from "../../agent/worker/planner/sector.js";
import { ProcessorPool } from "../../agent/worker/processors/processor-pool.js";
import type { StageDeps } from "../../agent/worker/stages/stage-deps.js";
import type { SealingStore } from "../../agent/worker/store/sealing-store.js";
import { planSpecs } from "../../agent/worker/thread/plan-spec.js";

/** A pool with no `[[processors]]` entries: each stage runs as one child of `bin`. */
export function bundledPool(bin: string): ProcessorPool {
  return new ProcessorPool({ concurrent: {}, staggeredMs: {}, extLocks: {}, staticTreeD: {}, entries: {} }, bin);
}

export interface TestStageDepsArgs {
  plan: SealingPlan;
  rpc: VenusClient;
  managerUrl: string;
  pool: ProcessorPool;
  store: SealingStore;
  /** The location of the `persist-1` store the handlers persist into. */
  persistDir: string;
  sealing?: Partial<SealingOptions>;
}

export function testStageDeps(a: TestStageDepsArgs): StageDeps {
  return {
    rpc: a.rpc,
    pool: a.pool,
    store: a.store,
    attached: [{ name: "persist-1", location: a.persistDir, readonly: false }],
    localPiecesDirs: [],
    managerUrl: a.managerUrl,
    instance: "t",
    options: mergeSealing({ rpcPollingIntervalMs: 10, recoverIntervalMs: 10, ...a.sealing }),
    stages: planSpecs[a.plan].processorStages,
    staticTreeD: {},
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    signal: new AbortController().signal,
    onProc: () => {},
    onStageDone: () => {},
  };
}
