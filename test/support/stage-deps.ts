// What the tests that call a plan's handlers directly share: a StageDeps with one persist store, fast polling and
// no thread around it (nothing pauses, nothing is reported), a processor pool with no processors configured (a
// stage call fails), and the Failure a handler call ends with, as [level, message].
import assert from "node:assert/strict";
import { Failure } from "../../agent/shared/failure.js";
import { mergeSealing, type SealingOptions } from "../../agent/worker/config/worker-config.js";
import { ProcessorPool } from "../../agent/worker/processors/processor-pool.js";
import type { StageDeps } from "../../agent/worker/stages/stage-deps.js";

/** A pool that starts no processor; `bin` is the proofs binary a built-in stage would run. */
export function bareProcessorPool(bin = "/nonexistent"): ProcessorPool {
  return new ProcessorPool({ concurrent: {}, staggeredMs: {}, extLocks: {}, staticTreeD: {}, entries: {} }, bin);
}

/**
 * Handler deps around `rpc`, `pool` and `store`, with the store `persist-1` at `persistDir` attached; `sealing`
 * adds to the fast-polling options, `over` replaces anything else.
 */
export function testStageDeps(
  parts: Pick<StageDeps, "rpc" | "pool" | "store"> & { persistDir: string; sealing?: Partial<SealingOptions> },
  over: Partial<StageDeps> = {},
): StageDeps {
  return {
    rpc: parts.rpc,
    pool: parts.pool,
    store: parts.store,
    attached: [{ name: "persist-1", location: parts.persistDir, readonly: false }],
    localPiecesDirs: [],
    managerUrl: "http://127.0.0.1:1",
    instance: "t",
    options: mergeSealing({ rpcPollingIntervalMs: 10, recoverIntervalMs: 10, ...parts.sealing }),
    staticTreeD: {},
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    signal: new AbortController().signal,
    onProc: () => {},
    onStageDone: () => {},
    ...over,
  };
}

/** The level and message of the Failure `p` rejects with; fails the test if it resolves or throws anything else. */
export async function failureOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Failure, String(e));
    return [e.level, e.message];
  }
  assert.fail("expected a Failure");
}
