// One sealing thread (reference §3.1) running the `sealer`, `rebuild` or `unseal` plan: pause/resume wait → one
// sector (plan → apply → persist → report → exec, repeated) → seal_interval → again. Failure levels are handled
// here and only here; the plan only supplies its table and handlers (plan-spec.ts).

import { readFileSync } from "node:fs";
import { wireFailureLevel } from "../../shared/rpc/index.js";
import { parseHotConfig } from "../config/load-worker-config.js";
import { mergeSealing, type SealingOptions, type SealingThreadConfig } from "../config/worker-config.js";
import { asFailure, decideRetry, Failure } from "../failure.js";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import { type AnySectorRecord, sectorName } from "../planner/sector.js";
import { Interrupted, type StageDeps, type WorkerShared } from "../stages/stage-deps.js";
import { SealingStore } from "../store/sealing-store.js";
import { isSealingPlan, type PlanEvent, type PlanSpec, planSpecs } from "./plan-spec.js";
import { ThreadControl } from "./thread-control.js";
import { type ThreadListEntry, ThreadStatus } from "./thread-status.js";

export interface ThreadEnv extends WorkerShared {
  /** `[sealing]` from the main file. */
  commonSealing: Partial<SealingOptions>;
  metrics: WorkerMetrics;
  log: (line: string) => void;
  /** Called whenever a sector finishes (Finished) or is aborted, with its name. */
  onSectorDone?: (sector: string, outcome: "finished" | "aborted", record: AnySectorRecord) => void;
}

export class SealingThread {
  readonly control = new ThreadControl();
  readonly status = new ThreadStatus();
  readonly store: SealingStore;
  private hotMtime: number | undefined;
  private hot: Partial<SealingOptions> = {};
  private options: SealingOptions;
  /** The plan this thread takes new sectors for (`[[sealing_thread]] plan`). */
  private readonly spec: PlanSpec;
  /** Time the current step spent waiting for a stage slot or a processor (for the pipeline benchmark). */
  private waitMs = 0;
  private waitStart: number | undefined;

  constructor(
    readonly config: SealingThreadConfig,
    private readonly env: ThreadEnv,
  ) {
    this.store = new SealingStore(config.location as string);
    this.options = mergeSealing(env.commonSealing, config.sealing);
    if (!isSealingPlan(config.plan)) throw new Error(`a sealing thread cannot run plan ${JSON.stringify(config.plan)}`);
    this.spec = planSpecs[config.plan];
  }

  get index(): number {
    return this.config.index;
  }

  list(): ThreadListEntry {
    return this.status.entry(this.config.index, this.store.location, this.config.plan);
  }

  pause(): boolean {
    return this.control.pause();
  }

  resume(state: string | undefined): boolean {
    if (state !== undefined && !this.spec.isState(state)) return false;
    return this.control.resume(state);
  }

  stop(): void {
    this.control.stop();
  }

  private log(line: string): void {
    this.env.log(`thread ${this.config.index} (${this.store.location}): ${line}`);
  }

  /** Re-reads `<location>/config.toml` if it was created, changed or deleted since last time. */
  private reloadHotConfig(): void {
    const mtime = this.store.hotConfigMtime();
    if (mtime === this.hotMtime) return;
    this.hotMtime = mtime;
    if (mtime === undefined) {
      this.hot = {};
    } else {
      try {
        const { hot, warnings } = parseHotConfig(
          readFileSync(this.store.hotConfigFile, "utf8"),
          this.store.hotConfigFile,
        );
        for (const w of warnings) this.log(w);
        if (hot.plan !== undefined && hot.plan !== this.config.plan)
          this.log(
            `hot config asks for plan ${hot.plan}; this thread runs ${this.config.plan} (plan switching is not supported), ignored`,
          );
        this.hot = hot.sealing;
      } catch (e) {
        this.log(`hot config not applied: ${(e as Error).message}`);
        return;
      }
    }
    this.options = mergeSealing(this.env.commonSealing, this.config.sealing, this.hot);
    this.log("hot config reloaded");
  }

  async run(): Promise<void> {
    this.store.init();
    let resumeState: string | undefined;
    while (!this.control.isStopped) {
      if (this.control.wantsPause || this.status.state === "Paused") {
        this.status.set("Paused");
        resumeState = await this.control.waitResume();
        if (this.control.isStopped) break;
        this.status.lastError = null;
        this.status.set("Idle");
      }
      try {
        await this.sealOne(resumeState);
        resumeState = undefined;
        this.status.set("Idle");
        this.status.setJob(null, null, null);
        await this.control.sleep(this.options.sealIntervalMs);
      } catch (e) {
        resumeState = undefined;
        if (e instanceof Interrupted) {
          if (this.control.isStopped) break;
          this.status.set("Paused");
          continue;
        }
        const f = asFailure(e);
        this.status.lastError = f.describe(
          this.status.jobId === null ? undefined : `${this.status.jobId} ${this.status.jobState}`,
        );
        this.log(`paused: ${this.status.lastError}`);
        this.env.metrics.inc("paused", `{level="${f.level}"}`);
        this.status.set("Paused");
      }
    }
  }

  private deps(spec: PlanSpec): StageDeps {
    return {
      rpc: this.env.rpc,
      pool: this.env.pool,
      store: this.store,
      attached: this.env.attached,
      localPiecesDirs: this.env.localPiecesDirs,
      managerUrl: this.env.managerUrl,
      managerToken: this.env.managerToken,
      managerTls: this.env.managerTls,
      instance: this.env.instance,
      options: this.options,
      stages: spec.processorStages,
      staticTreeD: this.env.staticTreeD,
      sleep: (ms) => this.control.sleep(ms),
      signal: this.control.signal,
      onProc: (state, pid) => {
        if (state === "Waiting") this.waitStart = Date.now();
        else if (this.waitStart !== undefined) {
          this.waitMs += Date.now() - this.waitStart;
          this.waitStart = undefined;
        }
        this.status.set(state, pid === undefined ? undefined : `ext(pid: ${pid})`);
      },
      onStageDone: (stage, ms) => this.env.metrics.stageDone(stage, ms),
    };
  }

  private async report(sector: AnySectorRecord, failure: Failure | undefined): Promise<boolean> {
    const id = sector.allocated?.ID;
    if (id === undefined) return false; // a sector without an ID is never reported
    try {
      const resp = await this.env.rpc.callVenus("ReportState", [
        id,
        {
          Worker: { Instance: this.env.instance, Location: this.store.location },
          StateChange: { Prev: sector.prevState ?? sector.state, Next: sector.state, Event: "None" },
          Failure: failure === undefined ? null : { Level: wireFailureLevel[failure.level], Desc: failure.message },
        },
      ]);
      if (resp?.Finalized === true && planSpecs[sector.plan].ownsSector) {
        this.log(`${sectorName(id)}: manager says finalized (${resp.AbortReason ?? "task aborted"}), aborting locally`);
        return true;
      }
    } catch (e) {
      this.log(`ReportState failed (ignored): ${(e as Error).message}`);
    }
    return false;
  }

  private async abortSector(sector: AnySectorRecord, reason: string, tellManager: boolean): Promise<void> {
    const id = sector.allocated?.ID;
    // Record the decision first: a kill before the wipe resumes straight into this abort, not into the dead state.
    if (sector.state !== "Aborted" && this.store.load() !== undefined)
      this.store.save({ ...sector, prevState: sector.state, state: "Aborted" } as AnySectorRecord);
    if (id !== undefined && tellManager) {
      try {
        await planSpecs[sector.plan].tellAborted(sector, reason, this.env.rpc);
      } catch (e) {
        this.log(`${sectorName(id)}: reporting the abort failed (ignored): ${(e as Error).message}`);
      }
    }
    this.store.finalize();
    this.env.metrics.inc("aborted");
    if (id !== undefined) this.log(`${sectorName(id)} aborted: ${reason}`);
    if (id !== undefined) this.env.onSectorDone?.(sectorName(id), "aborted", sector);
  }

  private setJob(sector: AnySectorRecord, spec: PlanSpec): void {
    const id = sector.allocated?.ID;
    this.status.setJob(id === undefined ? null : sectorName(id), sector.state, spec.stage(sector.state));
  }

  /** Seals (or resumes) one sector until Finished, aborted, or too many Idle polls. */
  private async sealOne(resumeState: string | undefined): Promise<void> {
    this.reloadHotConfig();
    let sector = this.store.load() ?? this.spec.empty();
    // A recorded sector finishes under the plan it was started with, even if the thread's plan changed since.
    const spec = planSpecs[sector.plan] ?? this.spec;
    if (spec !== this.spec)
      this.log(
        `the store holds a ${spec.plan} sector (state ${sector.state}); finishing it before taking ${this.spec.plan} work`,
      );
    if (resumeState !== undefined) {
      if (!spec.isState(resumeState))
        throw new Failure("critical", `resume: ${resumeState} is not a state of the ${spec.plan} plan`);
      // SetState: jump straight there, skipping the transition table.
      sector = { ...sector, prevState: sector.state, state: resumeState, retry: 0 } as AnySectorRecord;
      this.store.save(sector);
      if (resumeState === "Aborted") {
        await this.abortSector(sector, "aborted by worker resume --state Aborted", true);
        return;
      }
    }
    let idle = 0;
    for (;;) {
      this.setJob(sector, spec);
      if (sector.state === "Finished") {
        const id = sector.allocated?.ID;
        if (id !== undefined && spec.ownsSector) {
          try {
            await this.env.rpc.callVenus("ReportFinalized", [id]);
          } catch (e) {
            // Retried like a temporary failure: stays Finished, so a restart retries it too.
            const d = decideRetry("temporary", sector.retry, this.options.maxRetries);
            if (d.level !== "temporary")
              throw new Failure("permanent", `Venus.ReportFinalized: ${(e as Error).message}`);
            sector = { ...sector, retry: d.retry };
            this.store.save(sector);
            await this.control.sleep(this.options.recoverIntervalMs);
            continue;
          }
        }
        this.store.finalize();
        this.env.metrics.inc("finished");
        if (id !== undefined) {
          this.log(`${sectorName(id)} finished`);
          this.env.onSectorDone?.(sectorName(id), "finished", sector);
        }
        return;
      }
      if (sector.state === "Aborted") {
        await this.abortSector(sector, "sector state is Aborted", true);
        return;
      }
      this.control.check();
      this.status.set("Running");
      const t0 = Date.now();
      this.waitMs = 0;
      this.waitStart = undefined;
      let result: PlanEvent | undefined;
      let failure: Failure | undefined;
      try {
        result = await spec.exec(sector, this.deps(spec));
      } catch (e) {
        if (e instanceof Interrupted) throw e;
        failure = asFailure(e);
      } finally {
        this.status.set("Running");
      }
      if (failure !== undefined) {
        const d = decideRetry(failure.level, sector.retry, this.options.maxRetries);
        const finalized = await this.report(sector, failure);
        if (finalized) return this.abortSector(sector, "finalized by the manager", false);
        if (d.level === "temporary") {
          this.log(
            `${failure.describe(this.status.jobId === null ? undefined : `${this.status.jobId} ${sector.state}`)}; retry ${d.retry}/${this.options.maxRetries}`,
          );
          this.env.metrics.inc("retried");
          sector = { ...sector, retry: d.retry };
          this.store.save(sector);
          this.status.lastError = failure.describe();
          await this.control.sleep(this.options.recoverIntervalMs);
          this.status.lastError = null;
          continue;
        }
        if (d.level === "abort") return this.abortSector(sector, failure.message, true);
        sector = { ...sector, retry: d.retry };
        this.store.save(sector);
        throw d.level === failure.level
          ? failure
          : new Failure(d.level, `${failure.message} (after ${this.options.maxRetries} retries)`);
      }
      if (result === undefined || result.kind === "Idle") {
        idle++;
        if (idle > this.options.requestTaskMaxRetries) {
          // Return so the thread can pick up hot config; an allocated but unstarted sector stays recorded.
          return;
        }
        this.status.set("Idle");
        await this.control.sleep(this.options.recoverIntervalMs);
        continue;
      }
      idle = 0;
      // The report for a step follows its handler: Prev = the state before, Next = the state whose handler ran.
      if (await this.report(sector, undefined)) return this.abortSector(sector, "finalized by the manager", false);
      const ran = sector.state;
      const elapsed = Date.now() - t0;
      const applied = spec.apply(sector, result);
      if (!applied.ok) throw new Failure("critical", applied.error);
      const next = applied.sector;
      const stateMs: Partial<Record<string, number>> = sector.stateMs;
      next.stateMs = { ...stateMs, [ran]: (stateMs[ran] ?? 0) + elapsed };
      if (this.waitMs > 0) {
        const waited: Partial<Record<string, number>> = sector.stateWaitMs ?? {};
        next.stateWaitMs = { ...waited, [ran]: (waited[ran] ?? 0) + this.waitMs };
      }
      this.env.metrics.stateDone(ran, elapsed);
      this.store.save(next);
      sector = next;
    }
  }
}
