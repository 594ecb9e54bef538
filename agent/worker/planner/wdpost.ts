// The wdpost plan (reference §3.7) as data. Jobs live only in memory: the manager re-queues a job whose
// heartbeats stop, so nothing is persisted.
import { isStateOf, nextState, type Transition, type TransitionTable } from "./transition-table.js";

/** The one processor stage a wdpost thread runs. */
export const windowPostStage = "window_post";

export const wdpostStates = ["Empty", "Allocated", "Generated", "Finished", "Aborted"] as const;
export type WdPostState = (typeof wdpostStates)[number];

export const wdpostEventKinds = ["AllocateJob", "Generate", "Finish", "Abort"] as const;
export type WdPostEventKind = (typeof wdpostEventKinds)[number];

export const wdpostTable: TransitionTable<WdPostState, WdPostEventKind> = {
  Empty: { AllocateJob: "Allocated" },
  Allocated: { Generate: "Generated" },
  // Abort: the manager would not take the result (WdPoStFinishJob failed every retry); it re-queues the job.
  Generated: { Finish: "Finished", Abort: "Aborted" },
  Finished: {},
  Aborted: {},
};

export function nextWdPostState(state: WdPostState, event: WdPostEventKind): Transition<WdPostState> {
  return nextState(wdpostTable, state, event);
}

export function isWdPostState(s: string): s is WdPostState {
  return isStateOf(wdpostStates, s);
}

export const wdpostStage: Readonly<Record<WdPostState, string>> = {
  Empty: "AllocateJob",
  Allocated: "WindowPoSt",
  Generated: "FinishJob",
  Finished: "Finish",
  Aborted: "Abort",
};
