// What a stage handler may touch: the manager client, the processor pool, the thread's store, its options.
// Handlers do the I/O for one state and return an event or throw a classified Failure; they never retry and
// never decide the next state.

import {
  InvalidReplyError,
  RpcError,
  type VenusClient,
  type VenusMethod,
  type VenusParams,
  type VenusResult,
} from "../../shared/rpc/index.js";
import type { TlsPin } from "../../shared/tls/pinned-tls.js";
import type { AttachedStore, SealingOptions } from "../config/worker-config.js";
import { abort, crit, Failure, perm, temp } from "../failure.js";
import { ProcessorError } from "../processors/processor-child.js";
import type { ProcessorPool } from "../processors/processor-pool.js";
import type { SealingStore } from "../store/sealing-store.js";

/** Raised when the thread is paused or stopped while waiting; the loop treats it as an interrupt, not an error. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}

/** What every thread of a worker shares (from the worker's config and its started parts), handed to each stage. */
export interface WorkerShared {
  rpc: VenusClient;
  pool: ProcessorPool;
  attached: readonly AttachedStore[];
  localPiecesDirs: readonly string[];
  managerUrl: string;
  /** `[sector_manager] token`: sent to the manager's piece store when uploading an unsealed piece. */
  managerToken?: string | undefined;
  managerTls?: TlsPin | undefined;
  /** The worker's instance name (ReportState `Worker.Instance`, wdpost worker name). */
  instance: string;
  /** `[processors.static_tree_d]`: size name ("32GiB") → a prebuilt CC tree_d file to symlink instead of computing. */
  staticTreeD: Partial<Record<string, string>>;
}

/** A stage's view: what the worker shares, plus the thread's own store, options and controls. */
export interface StageDeps extends WorkerShared {
  store: SealingStore;
  options: SealingOptions;
  /** The processor stages the running plan declares (its PlanSpec's `processorStages`); `transfer` is always allowed. */
  stages: readonly string[];
  /** Sleeps, or throws Interrupted when the thread is paused/stopped meanwhile. */
  sleep(ms: number): Promise<void>;
  /** Aborted when the thread must stop waiting (pause, shutdown). */
  signal: AbortSignal;
  /** Status for `worker list`: "Waiting" for a stage slot, "Running" in a processor (with its pid). */
  onProc(state: "Waiting" | "Running", pid?: number): void;
  /** Records how long the stage's processor call took (metrics). */
  onStageDone(stage: string, ms: number): void;
}

/**
 * One manager call, classified as damocles' `call_rpc!` does: 11001 aborts the sector, anything else is temporary,
 * except a reply that is not the method's shape (InvalidReplyError): permanent, the thread pauses and says why.
 */
export async function callRpc<M extends VenusMethod>(
  deps: StageDeps,
  method: M,
  params: VenusParams<M>,
): Promise<VenusResult<M>> {
  try {
    return await deps.rpc.callVenus(method, params);
  } catch (e) {
    if (e instanceof RpcError && e.code === 11001) throw abort(e, `Venus.${method}`);
    if (e instanceof InvalidReplyError) throw perm(e.message);
    throw temp(e, `Venus.${method}`);
  }
}

/**
 * One processor task. A task the processor answered with `err_msg` is permanent (damocles); a child that died
 * under the task is temporary: the pool restarts it and the retry runs on the new child.
 */
export async function runStage<T>(deps: StageDeps, stage: string, task: unknown): Promise<T> {
  // The plan spec states what a plan runs; a handler that runs something else is a bug the spec must learn of.
  if (stage !== "transfer" && !deps.stages.includes(stage))
    throw crit(`a handler ran the ${stage} stage, which its plan does not declare (${deps.stages.join(", ")})`);
  deps.onProc("Waiting");
  const t0 = Date.now();
  let started = t0;
  try {
    const out = await deps.pool.run(stage, task, {
      signal: deps.signal,
      onRunning: (pid) => {
        started = Date.now();
        deps.onProc("Running", pid);
      },
    });
    deps.onStageDone(stage, Date.now() - started);
    return out as T;
  } catch (e) {
    // Interrupted while waiting for a slot (pause/stop), or the children were stopped under a task at shutdown.
    const stopping = deps.signal.aborted && (deps.signal.reason as Error | undefined)?.message === "stopping";
    if (deps.signal.aborted && (stopping || !(e instanceof ProcessorError)))
      throw new Interrupted(`interrupted while waiting for ${stage}`);
    if (e instanceof Failure) throw e;
    if (e instanceof ProcessorError && /child process exited|not started|restart/.test(e.message)) throw temp(e);
    if (e instanceof ProcessorError && /cannot start|before it was ready|no ".*" line/.test(e.message)) throw crit(e);
    throw e instanceof ProcessorError ? perm(e) : perm(e, stage);
  }
}
