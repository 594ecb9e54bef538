// What `worker list` shows for a thread (reference §5.5, snake_case on the wire).

export type ThreadState = "Idle" | "Paused" | "Running" | "Waiting";

export interface ThreadListEntry {
  location: string;
  plan: string;
  job_id: string | null;
  index: number;
  thread_state: { state: ThreadState; elapsed: number; proc?: string };
  job_state: string | null;
  job_stage: string | null;
  last_error: string | null;
}

export class ThreadStatus {
  state: ThreadState = "Idle";
  since = Date.now();
  proc: string | undefined;
  jobId: string | null = null;
  jobState: string | null = null;
  jobStage: string | null = null;
  lastError: string | null = null;
  /** When the current job state was entered (for the live view's elapsed column). */
  stateSince = Date.now();

  set(state: ThreadState, proc?: string): void {
    if (state !== this.state) this.since = Date.now();
    this.state = state;
    this.proc = proc;
  }

  setJob(jobId: string | null, jobState: string | null, jobStage: string | null): void {
    if (jobState !== this.jobState) this.stateSince = Date.now();
    this.jobId = jobId;
    this.jobState = jobState;
    this.jobStage = jobStage;
  }

  entry(index: number, location: string, plan: string): ThreadListEntry {
    const ts: ThreadListEntry["thread_state"] = {
      state: this.state,
      elapsed: Math.floor((Date.now() - this.since) / 1000),
    };
    if (this.proc !== undefined) ts.proc = this.proc;
    return {
      location,
      plan,
      job_id: this.jobId,
      index,
      thread_state: ts,
      job_state: this.jobState,
      job_stage: this.jobStage,
      last_error: this.lastError,
    };
  }
}
