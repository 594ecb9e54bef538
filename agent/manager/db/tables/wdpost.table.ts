// WindowPoSt jobs handed to PoSt workers (damocles' worker-prover queue: ready2run → running → finished), with
// "submitted" between the proof and its SubmitWindowedPoSt landing.

export type WdPostJobState = "ready2run" | "running" | "submitted" | "finished";

export interface WdPostJobsTable {
  id: string;
  miner: number;
  deadline: number;
  open_epoch: number;
  close_epoch: number;
  /** JSON of the WdPoStInput the worker receives. */
  input: string;
  state: WdPostJobState;
  try_num: number;
  worker: string | null;
  heartbeat_at: number | null;
  created_at: number;
  finished_at: number | null;
  succeeded: number | null;
  error: string | null;
  /** The id of its SubmitWindowedPoSt message record, once the proof is submitted. */
  msg: string | null;
}
