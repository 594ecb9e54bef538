// The pieces AcquireDeals gave a sector (deal and pledge pieces, in sector order).
import type { Db } from "../db/database.js";
import type { SectorPiecesTable } from "../db/tables/deals.table.js";

export async function sectorPieces(db: Db, miner: number, number: number): Promise<SectorPiecesTable[]> {
  return db
    .selectFrom("sector_pieces")
    .selectAll()
    .where("miner", "=", miner)
    .where("number", "=", number)
    .orderBy("idx")
    .execute();
}

export async function insertSectorPieces(db: Db, rows: SectorPiecesTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("sector_pieces").values(rows).execute();
}
