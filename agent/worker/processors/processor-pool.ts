// All processor children of a worker, by stage. Configured entries start at boot; a stage without a section
// gets one default child (the bundled sealfarm-proofs) on first use, our counterpart of damocles' builtin.
// `run` takes the stage limit first (thread state Waiting), then a child whose `concurrent` slot and `locks`
// are all free (§4.5), and gives every slot back in `finally`.
import {
  defaultProcessorEntry,
  type ProcessorEntry,
  type ProcessorStage,
  type ProcessorsConfig,
} from "../config/worker-config.js";
import type { Release } from "../resources/semaphore.js";
import { Semaphore } from "../resources/semaphore.js";
import { StageLimiter } from "../resources/stage-limiter.js";
import { type ChildOptions, ProcessorChild } from "./processor-child.js";
import { pickChild } from "./protocol.js";

export interface RunHooks {
  /** Called once the stage limit and a child are held, with the child's pid (`proc` in `worker list`). */
  onRunning?: (pid: number | undefined) => void;
  signal?: AbortSignal;
}

export interface ChildInfo {
  stage: string;
  index: number;
  pid: number | undefined;
  load: number;
  restarts: number;
}

export class ProcessorPool {
  readonly limiter: StageLimiter;
  private readonly children = new Map<string, ProcessorChild[]>();
  private readonly locks = new Map<string, Semaphore>();
  private readonly starting = new Map<string, Promise<ProcessorChild[]>>();

  constructor(
    private readonly config: ProcessorsConfig,
    private readonly defaultBin: string,
    private readonly childOptions: ChildOptions = {},
  ) {
    this.limiter = new StageLimiter(config.concurrent, config.staggeredMs);
    for (const [name, n] of Object.entries(config.extLocks)) this.locks.set(name, new Semaphore(n));
  }

  /** Starts every configured child; fails (after stopping the ones that did start) if any is not ready in time. */
  async start(): Promise<void> {
    const all: Array<Promise<void>> = [];
    for (const [stage, entries] of Object.entries(this.config.entries) as Array<[ProcessorStage, ProcessorEntry[]]>) {
      const kids = entries.map((e) => new ProcessorChild(e, this.childOptions));
      this.children.set(stage, kids);
      for (const k of kids) all.push(k.start());
    }
    const results = await Promise.allSettled(all);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) {
      await this.stop();
      throw failed.reason;
    }
  }

  private async childrenFor(stage: string): Promise<ProcessorChild[]> {
    const have = this.children.get(stage);
    if (have !== undefined) return have;
    let starting = this.starting.get(stage);
    if (starting === undefined) {
      const entry = defaultProcessorEntry(stage as ProcessorStage, this.defaultBin);
      const child = new ProcessorChild(entry, this.childOptions);
      starting = child.start().then(
        () => {
          this.children.set(stage, [child]);
          this.starting.delete(stage);
          return [child];
        },
        (e: unknown) => {
          this.starting.delete(stage);
          throw e;
        },
      );
      this.starting.set(stage, starting);
    }
    return starting;
  }

  private tryLockChild(child: ProcessorChild): Release | undefined {
    const held: Release[] = [];
    const slot = child.slots.tryAcquire();
    if (slot === undefined) return undefined;
    held.push(slot);
    for (const name of child.entry.locks) {
      const r = this.locks.get(name)?.tryAcquire();
      if (r === undefined) {
        for (const h of held) h();
        return undefined;
      }
      held.push(r);
    }
    return () => {
      for (const h of held) h();
    };
  }

  private async lockChild(child: ProcessorChild, signal?: AbortSignal): Promise<Release> {
    const held: Release[] = [];
    try {
      held.push(await child.slots.acquire(signal));
      for (const name of child.entry.locks) {
        const sem = this.locks.get(name);
        if (sem !== undefined) held.push(await sem.acquire(signal));
      }
    } catch (e) {
      for (const h of held) h();
      throw e;
    }
    return () => {
      for (const h of held) h();
    };
  }

  /** Runs one task of `stage`: stage limit → child pick → send → release. */
  async run(stage: string, task: unknown, hooks: RunHooks = {}): Promise<unknown> {
    const releaseStage = await this.limiter.acquire(stage, hooks.signal);
    try {
      const kids = await this.childrenFor(stage);
      const attempts = kids.map((k) => this.tryLockChild(k));
      const pick = pickChild(kids.map((k, i) => ({ free: attempts[i] !== undefined, max: k.max, load: k.load })));
      attempts.forEach((r, i) => {
        if (i !== pick) r?.();
      });
      let child: ProcessorChild;
      let release: Release;
      if (pick !== undefined) {
        child = kids[pick] as ProcessorChild;
        release = attempts[pick] as Release;
      } else {
        // Nothing free: block on the first child, as damocles does.
        child = kids[0] as ProcessorChild;
        release = await this.lockChild(child, hooks.signal);
      }
      try {
        await child.ready();
        hooks.onRunning?.(child.pid);
        return await child.send(task);
      } finally {
        release();
      }
    } finally {
      releaseStage();
    }
  }

  /** Whether the config has `[[processors.<stage>]]` entries (stages with a builtin path use it without them). */
  isConfigured(stage: ProcessorStage): boolean {
    return (this.config.entries[stage]?.length ?? 0) > 0;
  }

  list(): ChildInfo[] {
    const out: ChildInfo[] = [];
    for (const kids of this.children.values())
      for (const k of kids)
        out.push({ stage: k.entry.stage, index: k.entry.index, pid: k.pid, load: k.load, restarts: k.restarts });
    return out;
  }

  childrenOf(stage: string): readonly ProcessorChild[] {
    return this.children.get(stage) ?? [];
  }

  async stop(): Promise<void> {
    const pending = [...this.starting.values()].map((p) => p.catch(() => []));
    const late = (await Promise.all(pending)).flat();
    await Promise.all([...[...this.children.values()].flat(), ...late].map((k) => k.stop()));
  }
}
