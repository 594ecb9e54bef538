// Stage limits from `[processors.limitation]`: `concurrent.<stage>` is a semaphore per stage, `staggered.<stage>`
// spaces out starts (after one task starts, the next may start only after the interval or after a task of that
// stage finishes). Generic: the limiter knows stage names only as keys.
import { type Release, Semaphore } from "./semaphore.js";

interface Stagger {
  intervalMs: number;
  lastStart: number;
  /** Resolvers waiting for "a task finished". */
  finished: Array<() => void>;
  /** Serializes staggered starters so each waits for its own turn. */
  queue: Promise<void>;
}

export class StageLimiter {
  private readonly semaphores = new Map<string, Semaphore>();
  private readonly staggers = new Map<string, Stagger>();

  constructor(concurrent: Partial<Record<string, number>>, staggeredMs: Partial<Record<string, number>>) {
    for (const [stage, n] of Object.entries(concurrent))
      if (n !== undefined) this.semaphores.set(stage, new Semaphore(n));
    for (const [stage, ms] of Object.entries(staggeredMs))
      if (ms !== undefined)
        this.staggers.set(stage, { intervalMs: ms, lastStart: 0, finished: [], queue: Promise.resolve() });
  }

  /** How many tasks of the stage hold a slot, and the limit (undefined = unlimited). */
  usage(stage: string): { running: number; limit: number | undefined; waiting: number } {
    const s = this.semaphores.get(stage);
    return { running: s?.inUse ?? 0, limit: s?.capacity, waiting: s?.waiting ?? 0 };
  }

  async acquire(stage: string, signal?: AbortSignal): Promise<Release> {
    const sem = this.semaphores.get(stage);
    const releaseSlot = sem === undefined ? () => {} : await sem.acquire(signal);
    const stagger = this.staggers.get(stage);
    if (stagger !== undefined) {
      try {
        await this.waitTurn(stagger, signal);
      } catch (e) {
        releaseSlot();
        throw e;
      }
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      releaseSlot();
      if (stagger !== undefined) for (const f of stagger.finished.splice(0)) f();
    };
  }

  private waitTurn(st: Stagger, signal?: AbortSignal): Promise<void> {
    const turn = st.queue.then(async () => {
      const wait = st.lastStart + st.intervalMs - Date.now();
      if (st.lastStart > 0 && wait > 0) {
        await new Promise<void>((resolve, reject) => {
          const finish = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            resolve();
          };
          const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason ?? new Error("aborted"));
          };
          const timer = setTimeout(finish, wait);
          st.finished.push(finish);
          signal?.addEventListener("abort", onAbort, { once: true });
        });
      }
      st.lastStart = Date.now();
    });
    st.queue = turn.catch(() => {});
    return turn;
  }
}
