// Pause/resume and interruptible sleeps for one thread (damocles' bounded(1) pause channel and rendezvous
// resume channel): `pause()` is non-blocking and false if a pause is already pending; `resume()` is true only
// when the thread is paused and waiting for it.
import { Interrupted } from "../stages/stage-deps.js";

export class ThreadControl {
  private controller = new AbortController();
  private pausePending = false;
  private waitingResume: ((state: string | undefined) => void) | undefined;
  private stopped = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get isPausedWaiting(): boolean {
    return this.waitingResume !== undefined;
  }

  /** Requests a pause at the thread's next check; wakes it from any sleep or slot wait. */
  pause(): boolean {
    if (this.pausePending || this.waitingResume !== undefined) return false;
    this.pausePending = true;
    this.controller.abort(new Interrupted("paused"));
    return true;
  }

  resume(state: string | undefined): boolean {
    const r = this.waitingResume;
    if (r === undefined) return false;
    this.waitingResume = undefined;
    r(state);
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.controller.abort(new Interrupted("stopping"));
    this.waitingResume?.(undefined);
    this.waitingResume = undefined;
  }

  /** Throws Interrupted if a pause or stop is pending (damocles `interrupted()`). */
  check(): void {
    if (this.stopped) throw new Interrupted("stopping");
    if (this.pausePending) throw new Interrupted("paused");
  }

  sleep(ms: number): Promise<void> {
    this.check();
    const signal = this.controller.signal;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Interrupted ? signal.reason : new Interrupted("interrupted"));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Blocks until resumed (or stopped); returns the requested state. Clears the pending pause. */
  waitResume(): Promise<string | undefined> {
    this.pausePending = false;
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waitingResume = (state) => {
        this.controller = new AbortController();
        resolve(state);
      };
    });
  }

  /** After an interrupt that was a pause: the thread should now wait for resume. */
  get wantsPause(): boolean {
    return this.pausePending;
  }
}
