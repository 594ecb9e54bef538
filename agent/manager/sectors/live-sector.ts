// Loads a sector that is still being sealed on this manager. Finalized and aborted sectors are "offline", as in
// damocles, and answer 11001 to sealing calls.
import type { SectorID } from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import type { Db } from "../db/database.js";
import type { SectorsTable } from "../db/tables/sectors.table.js";
import { sectorNotFound } from "../rpc/rpc-errors.js";
import { findSector } from "./sector.repository.js";

export async function liveSector(ctx: ManagerContext, db: Db, sid: SectorID, lock = true): Promise<SectorsTable> {
  const row = await findSector(db, sid.Miner, sid.Number, lock && ctx.rowLocks);
  if (row === undefined) throw sectorNotFound(sid);
  if (row.aborted) throw sectorNotFound(sid, `was aborted: ${row.abort_reason ?? ""}`);
  if (row.finalized) throw sectorNotFound(sid, "is finalized");
  return row;
}
