// A FIFO counting semaphore whose permits come back through a release function that works once, so a slot
// cannot leak or be returned twice (damocles' `ConcurrentToken` releases in `Drop`; we release in `finally`).

export type Release = () => void;

export class Semaphore {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  tryAcquire(): Release | undefined {
    if (this.used >= this.capacity || this.waiters.length > 0) return undefined;
    this.used++;
    return this.releaser();
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        this.used++;
        resolve(this.releaser());
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason ?? new Error("aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.used--;
      const next = this.waiters.shift();
      if (next !== undefined) next();
    };
  }
}
