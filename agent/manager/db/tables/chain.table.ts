// Key/value facts about the chain (kept for older databases), and the record of every chain message the manager
// sends (issue #17): what it carries, its CID once pushed, and its receipt.

export interface ChainTable {
  key: string;
  value: string;
}

export type MessageKind = "precommit" | "provecommit" | "wdpost" | "recovery" | "snapup";

/**
 * "pending": recorded, not yet accepted by the node (pushed again with the same MsgUuid until it is);
 * "sent": in the node's mpool, CID known; "landed": receipt with `confidence` epochs on top; "failed": refused by
 * the node or the actor for good (exit_code/error say why).
 */
export type MessageState = "pending" | "sent" | "landed" | "failed";

export interface MessagesTable {
  id: string;
  miner: number;
  kind: MessageKind;
  /** The head when the record was made. */
  sent_epoch: number;
  /** How many sectors it carries. */
  sectors: number;
  state: MessageState;
  created_at: number;
  cid: string | null;
  /** Miner-actor method number (builtin-actors). */
  method: number | null;
  /** JSON array of sector numbers. */
  sector_numbers: string | null;
  /** attoFIL, decimal. */
  max_fee: string | null;
  value: string | null;
  exit_code: number | null;
  landed_epoch: number | null;
  gas_used: number | null;
  /** Why it failed for good. */
  error: string | null;
  /** The temporary chain failure it is waiting out (null once a call succeeds again). */
  chain_error: string | null;
  /** Lotus JSON of the message, for kinds whose message is not built again from sector rows (wdpost, recovery). */
  message: string | null;
}
