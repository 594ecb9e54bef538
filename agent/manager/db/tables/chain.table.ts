// The embedded devnet's persisted state: key/value facts (genesis time, randomness seed) and chain messages.

export interface ChainTable {
  key: string;
  value: string;
}

export type MessageKind = "precommit" | "provecommit";

export interface MessagesTable {
  id: string;
  miner: number;
  kind: MessageKind;
  sent_epoch: number;
  sectors: number;
  /** "sent" until it has `confidence` epochs on top, then "landed". */
  state: "sent" | "landed";
  created_at: number;
}
