// One wdpost thread (reference §3.7): allocate a job, heartbeat it every 3 s, run window_post, finish the job.
// A job moves through its states only by events of the wdpost table (planner/wdpost.ts), as a sector does.
// Jobs live only in memory: if the agent dies, the heartbeats stop and the manager re-queues the job.

import {
  sealProofTypesForSize,
  sectorSizeName,
  sectorSizeOfSealProof,
} from "../../../components/core/proofs/registered-proofs.js";
import { RpcError, type VenusClient, type WdPoStAllocatedJob, type WindowPoStOutput } from "../../shared/rpc/index.js";
import {
  type AttachedStore,
  mergeSealing,
  type SealingOptions,
  type SealingThreadConfig,
} from "../config/worker-config.js";
import { asFailure, decideRetry } from "../failure.js";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import { sectorName } from "../planner/sector.js";
import {
  isWdPostState,
  nextWdPostState,
  type WdPostEventKind,
  type WdPostState,
  wdpostStage,
  windowPostStage,
} from "../planner/wdpost.js";
import type { ProcessorPool } from "../processors/processor-pool.js";
import { Interrupted } from "../stages/stage-deps.js";
import { sectorPaths } from "../store/sealing-store.js";
import { ThreadControl } from "./thread-control.js";
import { type ThreadListEntry, ThreadStatus } from "./thread-status.js";

export const heartbeatIntervalMs = 3000;

/** Each allowed seal size → its 3 seal types → 3 PoSt names each, not deduplicated (damocles sends 9 per size). */
export function allowedPoStProofTypes(allowedSizes: readonly number[] | undefined): string[] {
  const out: string[] = [];
  for (const size of allowedSizes ?? []) {
    for (const t of sealProofTypesForSize(size as never)) {
      const name = sectorSizeName(sectorSizeOfSealProof(t));
      out.push(`StackedDrgWinning${name}V1`, `StackedDrgWindow${name}V1`, `StackedDrgWindow${name}V1_2`);
    }
  }
  return out;
}

/** The window_post task for a job: each sector's files resolved through the attached stores by name. */
export function windowPostTask(job: WdPoStAllocatedJob, attached: readonly AttachedStore[]): unknown {
  const storeOf = (name: string) => {
    const s = attached.find((a) => a.name === name);
    if (s === undefined) throw new Error(`store ${JSON.stringify(name)} is not attached to this worker`);
    return s.location;
  };
  return {
    miner_id: job.Input.MinerId,
    proof_type: job.Input.ProofType,
    replicas: job.Input.Sectors.map((s) => {
      const id = { Miner: job.Input.MinerId, Number: s.SectorId };
      const sealedRoot = storeOf(s.Accesses.SealedFile);
      const cacheRoot = storeOf(s.Accesses.CacheDir);
      const sealed = s.Upgrade ? `${sealedRoot}/update/${sectorName(id)}` : sectorPaths(sealedRoot, id).sealed;
      const cache = s.Upgrade ? `${cacheRoot}/update-cache/${sectorName(id)}` : sectorPaths(cacheRoot, id).cacheDir;
      return { sector_id: s.SectorId, comm_r: s.CommR, cache_dir: cache, sealed_file: sealed };
    }),
    seed: job.Input.Seed,
  };
}

export interface WdPostEnv {
  rpc: VenusClient;
  pool: ProcessorPool;
  attached: readonly AttachedStore[];
  instance: string;
  commonSealing: Partial<SealingOptions>;
  metrics: WorkerMetrics;
  log: (line: string) => void;
  onJobDone?: (jobId: string, ok: boolean, detail: string) => void;
}

export class WdPostThread {
  readonly control = new ThreadControl();
  readonly status = new ThreadStatus();
  private readonly options: SealingOptions;
  private warnedNoProver = false;
  /** The current job's state: set by `startJob`, then moved only by `advance`. */
  private jobState: WdPostState = "Empty";

  constructor(
    readonly config: SealingThreadConfig,
    private readonly env: WdPostEnv,
  ) {
    this.options = mergeSealing(env.commonSealing, config.sealing);
  }

  get index(): number {
    return this.config.index;
  }

  list(): ThreadListEntry {
    return this.status.entry(this.config.index, this.config.location ?? "", "wdpost");
  }

  pause(): boolean {
    return this.control.pause();
  }

  resume(state: string | undefined): boolean {
    if (state !== undefined && !isWdPostState(state)) return false;
    return this.control.resume(state);
  }

  stop(): void {
    this.control.stop();
  }

  private startJob(): void {
    this.jobState = "Empty";
    this.status.setJob(null, "Empty", wdpostStage.Empty);
  }

  /** Moves the job by `event` through the table; a pair the table does not list is a bug, not a new state. */
  private advance(jobId: string, event: WdPostEventKind): void {
    const t = nextWdPostState(this.jobState, event);
    if (!t.ok) throw new Error(`wdpost job ${jobId}: ${t.error}`);
    this.jobState = t.next;
    this.status.setJob(jobId, t.next, wdpostStage[t.next]);
  }

  async run(): Promise<void> {
    while (!this.control.isStopped) {
      if (this.control.wantsPause || this.status.state === "Paused") {
        this.status.set("Paused");
        await this.control.waitResume();
        if (this.control.isStopped) break;
        this.status.lastError = null;
      }
      try {
        const didWork = await this.oneJob();
        this.status.set("Idle");
        this.status.setJob(null, null, null);
        await this.control.sleep(
          didWork ? Math.min(this.options.sealIntervalMs, 1000) : this.options.recoverIntervalMs,
        );
      } catch (e) {
        if (e instanceof Interrupted) {
          if (this.control.isStopped) break;
          this.status.set("Paused");
          continue;
        }
        this.status.lastError = asFailure(e).describe();
        this.status.set("Paused");
      }
    }
  }

  /** Returns false when there was no job. */
  private async oneJob(): Promise<boolean> {
    this.control.check();
    this.startJob();
    let jobs: WdPoStAllocatedJob[];
    try {
      const got = await this.env.rpc.callVenus("WdPoStAllocateJobs", [
        {
          AllowedMiners: this.options.allowedMiners ?? [],
          AllowedProofTypes: allowedPoStProofTypes(this.options.allowedSizes),
        },
        1,
        this.env.instance,
      ]);
      if (!Array.isArray(got)) return false;
      jobs = got;
    } catch (e) {
      if (e instanceof RpcError && e.code === -32601 && !this.warnedNoProver) {
        this.warnedNoProver = true;
        this.env.log("manager does not serve Venus.WdPoStAllocateJobs (no worker-prover); wdpost thread idles");
      }
      return false;
    }
    const job = jobs[0];
    if (job === undefined) return false;
    this.advance(job.Id, "AllocateJob");
    const beat = setInterval(() => {
      this.env.rpc.callVenus("WdPoStHeartbeatJobs", [[job.Id], this.env.instance]).catch((e: Error) => {
        this.env.log(`wdpost heartbeat for ${job.Id} failed (ignored): ${e.message}`);
      });
    }, heartbeatIntervalMs);
    try {
      let output: WindowPoStOutput | null = null;
      let errorReason = "";
      try {
        const task = windowPostTask(job, this.env.attached);
        this.status.set("Waiting");
        const t0 = Date.now();
        let started = t0;
        output = (await this.env.pool.run(windowPostStage, task, {
          signal: this.control.signal,
          onRunning: (pid) => {
            started = Date.now();
            this.status.set("Running", pid === undefined ? undefined : `ext(pid: ${pid})`);
          },
        })) as WindowPoStOutput;
        this.env.metrics.stageDone(windowPostStage, Date.now() - started);
      } catch (e) {
        if (this.control.signal.aborted) throw new Interrupted(`interrupted while waiting for ${windowPostStage}`);
        // A processor error does not fail the job locally: it goes to the manager as the reason.
        errorReason = (e as Error).message;
      }
      this.advance(job.Id, "Generate");
      let retry = 0;
      for (;;) {
        try {
          await this.env.rpc.callVenus("WdPoStFinishJob", [job.Id, output, errorReason]);
          break;
        } catch (e) {
          const d = decideRetry("temporary", retry, this.options.maxRetries, "abort");
          if (d.level !== "temporary") {
            this.env.log(
              `wdpost job ${job.Id}: WdPoStFinishJob failed ${this.options.maxRetries} times, dropped: ${(e as Error).message}`,
            );
            this.advance(job.Id, "Abort");
            return true;
          }
          retry = d.retry;
          await this.control.sleep(this.options.recoverIntervalMs);
        }
      }
      this.advance(job.Id, "Finish");
      this.env.metrics.inc(errorReason === "" ? "wdpost_finished" : "wdpost_failed");
      this.env.onJobDone?.(job.Id, errorReason === "", errorReason);
      this.env.log(`wdpost job ${job.Id} finished${errorReason === "" ? "" : ` with error: ${errorReason}`}`);
      return true;
    } finally {
      clearInterval(beat);
    }
  }
}
