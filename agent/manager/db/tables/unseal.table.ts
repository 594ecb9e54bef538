// Unseal tasks (`sealfarm sectors unseal`): one per sector and piece, with the worker-facing UnsealState.
import type { UnsealState } from "../../../shared/rpc/venus-types.js";

export interface UnsealTasksTable {
  miner: number;
  number: number;
  piece_cid: string;
  /** Unpadded byte offset of the piece within the sector. */
  offset: number;
  /** Unpadded piece size. */
  size: number;
  /** JSON array of upload URLs. */
  dest: string;
  state: UnsealState;
  error_info: string;
  created_at: number;
  updated_at: number;
}
