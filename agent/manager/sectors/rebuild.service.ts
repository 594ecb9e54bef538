// Rebuild (damocles' planner/rebuild.rs): `sealfarm sectors rebuild` queues a proving sector whose sealed file or
// cache was lost (Venus.SectorSetForRebuild); Venus.AllocateRebuildSector hands it to one worker with the stored
// ticket and pieces and makes it live again, so the sealing calls (ReportState, StoreReserveSpace,
// SubmitPersistedEx, ReportFinalized, ReportAborted) work for it; ReportFinalized ends the rebuild. No chain
// messages: the sector stays Active (and in WindowPoSt) throughout.
import type { AllocateSectorSpec, RebuildOptions, SectorID, SectorRebuildInfo } from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import type { SectorsTable } from "../db/tables/sectors.table.js";
import { piecePath, pieceToWire } from "../deals/deal.service.js";
import { generic, sectorNotFound } from "../rpc/rpc-errors.js";
import { allowedBySpec } from "./allocate.service.js";
import { findSector, updateSector } from "./sector.repository.js";
import { sectorName } from "./sector-name.js";
import { sectorPieces } from "./sector-pieces.repository.js";

/** Why a sector cannot be rebuilt, or null when it finished sealing and has all a rebuild needs. Pure. */
export function rebuildRefusal(row: SectorsTable): string | null {
  if (row.aborted) return `was aborted (${row.abort_reason ?? ""}); only a proving sector can be rebuilt`;
  if (row.state !== "Active")
    return `is ${row.state}, not proving; only a sector that finished sealing (Active) can be rebuilt`;
  if (row.snap_state !== "none")
    return "was upgraded by SnapUp (or is being upgraded); rebuilding an upgraded sector is not supported yet";
  if (!row.finalized && row.rebuild_state !== "running")
    return "is still being sealed (not finalized); only a sector that finished sealing can be rebuilt";
  const missing = [
    row.pc_ticket === null || row.pc_ticket_epoch === null ? "ticket" : null,
    row.pc_comm_d === null ? "comm_d" : null,
    row.pc_comm_r === null ? "comm_r" : null,
    row.persist_instance === null ? "persist instance" : null,
  ].filter((x) => x !== null);
  if (missing.length > 0) return `has no stored ${missing.join(", ")}; it cannot be sealed again bit for bit`;
  return null;
}

/**
 * Queues a proving sector for rebuild. Queuing a queued sector again is a no-op (the options are updated);
 * queuing one whose rebuild is running takes it back from that worker (its next ReportState answers Finalized)
 * and queues it again: the way out when the worker that had it is gone.
 */
export async function setForRebuild(ctx: ManagerContext, sid: SectorID, opts: RebuildOptions): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findSector(trx, sid.Miner, sid.Number, ctx.rowLocks);
    if (row === undefined) throw sectorNotFound(sid);
    const refusal = rebuildRefusal(row);
    if (refusal !== null) throw generic(`sectors rebuild: ${sectorName(sid)} ${refusal}`);
    const pieces = await sectorPieces(trx, sid.Miner, sid.Number);
    const deals = pieces.filter((p) => p.deal_id !== 0);
    if (deals.length > 0 && !opts.PiecesAvailable)
      throw generic(
        `sectors rebuild: ${sectorName(sid)} holds ${deals.length} deal piece(s) (${deals[0]?.piece_cid}${deals.length > 1 ? ", …" : ""}); ` +
          "the worker fetches them from the piece store: pass --pieces-available (PiecesAvailable) once they are there",
      );
    if (opts.PiecesAvailable)
      for (const d of deals)
        if ((await piecePath(ctx, d.piece_cid, trx)) === undefined)
          throw generic(
            `sectors rebuild: ${sectorName(sid)}: piece ${d.piece_cid} is not in the piece store (import it or unseal it first)`,
          );
    const now = ctx.now();
    await updateSector(trx, sid.Miner, sid.Number, {
      rebuild_state: "queued",
      rebuild_pieces_available: opts.PiecesAvailable ? 1 : 0,
      rebuild_queued_at: row.rebuild_state === "queued" ? row.rebuild_queued_at : now,
      finalized: 1,
      reserved_size: null,
      updated_at: now,
    });
    return true;
  });
}

/** Hands the oldest queued sector the spec allows to one worker; null when none is queued. */
export async function allocateRebuildSector(
  ctx: ManagerContext,
  spec: AllocateSectorSpec,
): Promise<SectorRebuildInfo | null> {
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("sectors")
      .selectAll()
      .where("rebuild_state", "=", "queued")
      .where(allowedBySpec(spec))
      .orderBy("rebuild_queued_at")
      .orderBy("miner")
      .orderBy("number")
      .limit(1);
    if (ctx.rowLocks) q = q.forUpdate().skipLocked();
    const row = await q.executeTakeFirst();
    if (row === undefined) return null;
    const sid = { Miner: row.miner, Number: row.number };
    await updateSector(trx, sid.Miner, sid.Number, {
      rebuild_state: "running",
      finalized: 0,
      reserved_size: null,
      updated_at: ctx.now(),
    });
    const pieces = await sectorPieces(trx, sid.Miner, sid.Number);
    return {
      Sector: { ID: sid, ProofType: row.proof_type },
      Ticket: { Ticket: row.pc_ticket ?? "", Epoch: row.pc_ticket_epoch ?? 0 },
      Pieces: null,
      // Exactly what AcquireDeals returned: null for a sector sealed without pieces.
      PiecesV2: pieces.length === 0 ? null : pieces.map((p) => pieceToWire(p, sid.Miner)),
      IsSnapUp: false,
      UpgradePublic: null,
    };
  });
}

/** ReportFinalized of a rebuilt sector: proving again, with the instance SubmitPersistedEx recorded. */
export function finishRebuildPatch(now: number) {
  return { rebuild_state: "none" as const, finalized: 1, reserved_size: null, updated_at: now };
}

/** ReportAborted of a rebuild: the sector keeps proving (its old files may be gone), the reason is kept. */
export function abortRebuildPatch(now: number, reason: string) {
  return {
    rebuild_state: "none" as const,
    finalized: 1,
    reserved_size: null,
    last_failure: `rebuild aborted: ${reason}`,
    updated_at: now,
  };
}
