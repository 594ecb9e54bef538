// Deals: `sealfarm deals import` (CommP by sealfarm-proofs, file kept in the piece store, queued) and
// Venus.AcquireDeals (queued pieces packed into the sector, the rest pledge pieces).
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Transaction } from "kysely";
import { sealProofInfo } from "../../../components/core/proofs/registered-proofs.js";
import type { AcquireDealsSpec, SectorID, SectorPieceV2 } from "../../shared/rpc/venus-types.js";
import type { ManagerContext, OfflineContext } from "../context.js";
import type { Database, Db } from "../db/database.js";
import type { SectorPiecesTable } from "../db/tables/deals.table.js";
import { zeroCommitment } from "../proofs/comm-d.js";
import { pieceCidFromCommitment } from "../proofs/piece-cid.js";
import { computeCommP } from "../proofs/proofs-binary.js";
import { generic } from "../rpc/rpc-errors.js";
import { liveSector } from "../sectors/live-sector.js";
import { takeCounter, updateSector } from "../sectors/sector.repository.js";
import { insertSectorPieces, sectorPieces } from "../sectors/sector-pieces.repository.js";
import { packPieces } from "./pack-pieces.js";

export interface ImportedDeal {
  id: number;
  miner: number;
  pieceCid: string;
  paddedSize: number;
  payloadSize: number;
  path: string;
}

export async function importDeal(ctx: OfflineContext, file: string, miner: number): Promise<ImportedDeal> {
  const m = ctx.config.miners.find((x) => x.actor === miner);
  if (m === undefined) throw generic(`--miner: ${miner} is not a miner in manager.toml`);
  const sectorSize = sealProofInfo(m.sealProof)?.sectorSizeBytes ?? 0;
  const payloadSize = statSync(file).size;
  const commp = await computeCommP(ctx.proofsBin, file);
  if (commp.padded_size > sectorSize)
    throw generic(`${file}: piece of ${commp.padded_size} padded bytes does not fit a ${sectorSize}-byte sector`);
  mkdirSync(ctx.config.pieceStorePath, { recursive: true });
  const path = join(ctx.config.pieceStorePath, commp.piece_cid);
  // Copy to a temp name, then rename: a crash never leaves a half-written piece under its CID.
  copyFileSync(file, `${path}.tmp`);
  renameSync(`${path}.tmp`, path);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const dealId = await takeCounter(trx, "deal", 1);
    await trx
      .insertInto("deals")
      .values({
        id: dealId,
        miner,
        piece_cid: commp.piece_cid,
        comm_p: commp.comm_p,
        padded_size: commp.padded_size,
        payload_size: payloadSize,
        path,
        state: "queued",
        sector_number: null,
        created_at: ctx.now(),
      })
      .execute();
    return dealId;
  });
  return { id, miner, pieceCid: commp.piece_cid, paddedSize: commp.padded_size, payloadSize, path };
}

export function pieceToWire(p: SectorPiecesTable, provider: number): SectorPieceV2 {
  const cid = { "/": p.piece_cid };
  return {
    Piece: { Size: p.padded_size, PieceCID: cid },
    DealInfo: {
      DealID: p.deal_id,
      PublishCid: null,
      AllocationID: 0,
      PieceCID: cid,
      PieceSize: p.padded_size,
      Client: "",
      Provider: `t0${provider}`,
      Offset: p.offset,
      Length: p.padded_size,
      PayloadSize: p.payload_size,
      StartEpoch: 0,
      EndEpoch: 0,
      IsBuiltinMarket: p.deal_id !== 0,
      IsCompatible: true,
    },
  };
}

/**
 * Packs queued deals of the sector's miner into it (pledge pieces fill the gaps), records the pieces and marks the
 * deals assigned; null when the miner takes no deals or nothing fits the spec. Shared by AcquireDeals and SnapUp.
 */
export async function assignQueuedDeals(
  ctx: ManagerContext,
  trx: Transaction<Database>,
  sid: SectorID,
  proofType: number,
  spec: AcquireDealsSpec,
): Promise<SectorPiecesTable[] | null> {
  const miner = ctx.config.miners.find((m) => m.actor === sid.Miner);
  if (!miner?.enableDeals) return null;
  const sectorSize = sealProofInfo(proofType)?.sectorSizeBytes ?? 0;
  let q = trx
    .selectFrom("deals")
    .selectAll()
    .where("miner", "=", sid.Miner)
    .where("state", "=", "queued")
    .orderBy("id")
    .limit(1000);
  if (ctx.rowLocks) q = q.forUpdate().skipLocked();
  const queued = await q.execute();
  const placed = packPieces(
    sectorSize,
    queued.map((d) => ({ dealId: d.id, paddedSize: d.padded_size })),
    spec.MaxDeals ?? Number.MAX_SAFE_INTEGER,
  );
  const used = placed.filter((p) => p.kind === "deal").reduce((s, p) => s + p.paddedSize, 0);
  if (placed.length === 0 || (spec.MinUsedSpace !== null && used < spec.MinUsedSpace)) return null;
  const byId = new Map(queued.map((d) => [d.id, d]));
  const rows: SectorPiecesTable[] = placed.map((p, idx) => {
    const deal = p.kind === "deal" ? byId.get(p.dealId) : undefined;
    return {
      miner: sid.Miner,
      number: sid.Number,
      idx,
      piece_cid: deal?.piece_cid ?? pieceCidFromCommitment(zeroCommitment(p.paddedSize)),
      padded_size: p.paddedSize,
      deal_id: deal?.id ?? 0,
      payload_size: deal?.payload_size ?? p.paddedSize - p.paddedSize / 128,
      offset: p.offset,
    };
  });
  await insertSectorPieces(trx, rows);
  const dealIds = rows.filter((r) => r.deal_id !== 0).map((r) => r.deal_id);
  await trx
    .updateTable("deals")
    .set({ state: "assigned", sector_number: sid.Number })
    .where("id", "in", dealIds)
    .execute();
  return rows;
}

/** Gives the deals assigned to a sector back to the queue (an aborted sector, or an upgrade that gave up). */
export async function requeueSectorDeals(trx: Transaction<Database>, sid: SectorID): Promise<void> {
  await trx
    .updateTable("deals")
    .set({ state: "queued", sector_number: null })
    .where("miner", "=", sid.Miner)
    .where("sector_number", "=", sid.Number)
    .where("state", "=", "assigned")
    .execute();
}

export async function acquireDeals(
  ctx: ManagerContext,
  sid: SectorID,
  spec: AcquireDealsSpec,
): Promise<SectorPieceV2[] | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await liveSector(ctx, trx, sid);
    // A rebuild gets the pieces the sector was sealed with, never new deals.
    if (row.deals_acquired || row.rebuild_state === "running") {
      const pieces = await sectorPieces(trx, sid.Miner, sid.Number);
      return pieces.length === 0 ? null : pieces.map((p) => pieceToWire(p, sid.Miner));
    }
    const rows = await assignQueuedDeals(ctx, trx, sid, row.proof_type, spec);
    if (rows === null) return null;
    await updateSector(trx, sid.Miner, sid.Number, { deals_acquired: 1, updated_at: ctx.now() });
    return rows.map((p) => pieceToWire(p, sid.Miner));
  });
}

/** The file behind a piece CID, for GET /piecestore/<cid>: an imported deal's, else one PUT into the store. */
export async function piecePath(ctx: ManagerContext, cid: string, db: Db = ctx.db): Promise<string | undefined> {
  const row = await db.selectFrom("deals").select("path").where("piece_cid", "=", cid).executeTakeFirst();
  if (row !== undefined && existsSync(row.path)) return row.path;
  const stored = join(ctx.config.pieceStorePath, cid);
  return /^[a-z0-9]+$/.test(cid) && existsSync(stored) ? stored : row?.path;
}
