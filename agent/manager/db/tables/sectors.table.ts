// One row per sector the manager ever allocated; never deleted (finalized and aborted rows stay, flagged).

/** Where the sector is, from the chain's point of view. */
export type SectorChainState =
  | "Allocated"
  | "PreCommitQueued"
  | "PreCommitSent"
  | "PreCommitLanded"
  | "PreCommitFailed"
  | "ProofQueued"
  | "ProofSent"
  | "Active"
  | "ProofFailed"
  | "Aborted";

/** The message a sector's PreCommit or ProveCommit is in: none yet, queued for a batch, sent, landed, failed. */
export type MessageStage = "none" | "queued" | "sent" | "landed" | "failed" | "permfailed";

export type RebuildState = "none" | "queued" | "running";

/**
 * SnapUp: none (a CC sector may be a candidate), running (a worker is encoding deals into it), upgraded (it proves
 * its update replica: `snap_comm_r` in `snap_instance`'s update/ and update-cache/).
 */
export type SnapState = "none" | "running" | "upgraded";

export interface SectorsTable {
  miner: number;
  number: number;
  proof_type: number;
  state: SectorChainState;
  created_at: number;
  updated_at: number;
  worker: string | null;
  location: string | null;
  latest_state: string | null;
  last_failure: string | null;
  ticket: string | null;
  ticket_epoch: number | null;
  deals_acquired: number;
  pc_comm_r: string | null;
  pc_comm_d: string | null;
  pc_ticket: string | null;
  pc_ticket_epoch: number | null;
  pc_stage: MessageStage;
  pc_msg: string | null;
  pc_desc: string | null;
  pc_queued_at: number | null;
  pc_epoch: number | null;
  seed: string | null;
  seed_epoch: number | null;
  persist_instance: string | null;
  reserved_store: string | null;
  reserved_size: number | null;
  proof: string | null;
  proof_stage: MessageStage;
  proof_msg: string | null;
  proof_desc: string | null;
  proof_queued_at: number | null;
  active_epoch: number | null;
  deadline: number | null;
  faulty: number;
  finalized: number;
  aborted: number;
  abort_reason: string | null;
  /** The rebuild queue (`sectors rebuild`): none, queued for a worker, or handed to one (the sector is live). */
  rebuild_state: RebuildState;
  rebuild_pieces_available: number;
  rebuild_queued_at: number | null;
  snap_state: SnapState;
  /** The update replica's comm_r and comm_d (hex), once SubmitSnapUpProof verified. */
  snap_comm_r: string | null;
  snap_comm_d: string | null;
  /** The persist store the update files are in. */
  snap_instance: string | null;
  /** The update proof (base64), as submitted. */
  snap_proof: string | null;
  snap_at: number | null;
}

export interface TimelineTable {
  miner: number;
  number: number;
  at: number;
  instance: string;
  location: string;
  prev: string;
  next: string;
  event: string;
  failure_level: string | null;
  failure_desc: string | null;
}
