// Imported deal pieces waiting for a sector, and the pieces each sector was given by AcquireDeals.

export interface DealsTable {
  id: number;
  miner: number;
  piece_cid: string;
  comm_p: string;
  padded_size: number;
  payload_size: number;
  path: string;
  state: "queued" | "assigned";
  sector_number: number | null;
  created_at: number;
}

export interface SectorPiecesTable {
  miner: number;
  number: number;
  idx: number;
  piece_cid: string;
  padded_size: number;
  /** 0 for a pledge (filler) piece. */
  deal_id: number;
  payload_size: number;
  offset: number;
}
