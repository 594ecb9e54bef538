// SnapUp (damocles' planner/snapup.rs): a proving CC sector takes deals without being sealed again.
// Venus.AllocateSanpUpSector hands a candidate to a worker with queued deals packed into it and makes it live (so the
// sealing calls work for it); Venus.SubmitSnapUpProof checks the pieces and the persisted update files, and the
// chain verifies the update proof (ProveReplicaUpdates3, snapup-chain.ts) and the sector switches to its new comm_r, which WindowPoSt
// proves from then on. The sector keeps proving its old replica until then, and if the upgrade is aborted.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Transaction } from "kysely";
import { fromBase64, toBase64 } from "../../shared/rpc/bytes.js";
import {
  type AllocatedSnapUpSector,
  type AllocateSnapUpSpec,
  type SectorID,
  type SnapUpOnChainInfo,
  SubmitResult,
  type SubmitSnapUpProofResp,
} from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import type { Database } from "../db/database.js";
import type { SectorsTable } from "../db/tables/sectors.table.js";
import { assignQueuedDeals, pieceToWire, requeueSectorDeals } from "../deals/deal.service.js";
import { sealedCidFromCommR } from "../proofs/piece-cid.js";
import { generic, sectorNotFound } from "../rpc/rpc-errors.js";
import { allowedBySpec } from "./allocate.service.js";
import { appendTimeline, findSector, managerTimelineEntry, updateSector } from "./sector.repository.js";
import { sectorName } from "./sector-name.js";
import { sectorPieces } from "./sector-pieces.repository.js";
import { pushReplicaUpdate } from "./snapup-chain.js";

const hex = (bytes: readonly number[]) => Buffer.from(bytes).toString("hex");

/** Whether a sector can take a SnapUp now: a proving, healthy CC sector nobody else is working on. Pure. */
export function isSnapUpCandidate(row: SectorsTable, dealPieces: number): boolean {
  return (
    row.state === "Active" &&
    row.finalized === 1 &&
    row.aborted === 0 &&
    row.faulty === 0 &&
    row.rebuild_state === "none" &&
    row.snap_state === "none" &&
    row.persist_instance !== null &&
    row.pc_comm_r !== null &&
    dealPieces === 0
  );
}

/** The oldest candidate the spec allows, with queued deals packed into it; null when there is none or no deal. */
export async function allocateSnapUpSector(
  ctx: ManagerContext,
  spec: AllocateSnapUpSpec,
): Promise<AllocatedSnapUpSector | null> {
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("sectors")
      .selectAll()
      .where("state", "=", "Active")
      .where("snap_state", "=", "none")
      .where("rebuild_state", "=", "none")
      .where("finalized", "=", 1)
      .where("aborted", "=", 0)
      .where("faulty", "=", 0)
      .where(allowedBySpec(spec.Sector))
      .orderBy("miner")
      .orderBy("number")
      .limit(100);
    if (ctx.rowLocks) q = q.forUpdate().skipLocked();
    for (const row of await q.execute()) {
      const sid = { Miner: row.miner, Number: row.number };
      const deals = (await sectorPieces(trx, sid.Miner, sid.Number)).filter((p) => p.deal_id !== 0).length;
      if (!isSnapUpCandidate(row, deals)) continue;
      // Deals are per miner: a miner with nothing queued leaves its sectors for later.
      const pieces = await assignQueuedDeals(ctx, trx, sid, row.proof_type, spec.Deals);
      if (pieces === null || !pieces.some((p) => p.deal_id !== 0)) continue;
      const now = ctx.now();
      await updateSector(trx, sid.Miner, sid.Number, {
        snap_state: "running",
        finalized: 0,
        reserved_size: null,
        updated_at: now,
      });
      await appendTimeline(
        trx,
        managerTimelineEntry(sid, now, "Active", "SnapUpAllocated", `SnapUp: ${pieces.length} pieces`),
      );
      return {
        Sector: { ID: sid, ProofType: row.proof_type },
        Pieces: pieces.map((p) => pieceToWire(p, sid.Miner)),
        Public: {
          CommR: Array.from(Buffer.from(row.pc_comm_r ?? "", "hex")),
          SealedCID: { "/": sealedCidFromCommR(Buffer.from(row.pc_comm_r ?? "", "hex")) },
          Activation: row.active_epoch ?? 0,
          Expiration: 0,
        },
        Private: { AccessInstance: row.persist_instance ?? "" },
      };
    }
    return null;
  });
}

/** The update files a SnapUp persisted, where the manager can check them (damocles' provability check). */
function updateFilesPresent(ctx: ManagerContext, sid: SectorID, instance: string): boolean {
  const store = ctx.config.persistStores.find((s) => s.name === instance);
  if (store === undefined) return false;
  const name = sectorName(sid);
  return existsSync(join(store.path, "update", name)) && existsSync(join(store.path, "update-cache", name, "p_aux"));
}

/**
 * Checks a SnapUp submission, sends its update proof to the chain (ProveReplicaUpdates3) and switches the sector to
 * its update replica. Results as damocles: a repeat of an accepted submission is DuplicateSubmit, a different one
 * Mismatched; pieces other than the assigned ones are Rejected; missing update files are FilesMissed (the worker
 * persists them again); an invalid proof is Rejected.
 */
export async function submitSnapUpProof(
  ctx: ManagerContext,
  sid: SectorID,
  info: SnapUpOnChainInfo,
): Promise<SubmitSnapUpProofResp> {
  const row = await findSector(ctx.db, sid.Miner, sid.Number);
  if (row === undefined) throw sectorNotFound(sid);
  const same = row.snap_comm_r === hex(info.CommR) && row.snap_comm_d === hex(info.CommD);
  if (row.snap_state === "upgraded")
    return same
      ? { Res: SubmitResult.DuplicateSubmit, Desc: null }
      : { Res: SubmitResult.MismatchedSubmission, Desc: "the sector was upgraded with other commitments" };
  if (row.snap_state !== "running" || row.aborted)
    return { Res: SubmitResult.Rejected, Desc: `${sectorName(sid)} is not being upgraded` };
  const assigned = (await sectorPieces(ctx.db, sid.Miner, sid.Number)).map((p) => p.piece_cid);
  const submitted = info.Pieces.map((c) => c["/"]);
  if (assigned.length !== submitted.length || assigned.some((c, i) => c !== submitted[i]))
    return {
      Res: SubmitResult.Rejected,
      Desc: `pieces ${submitted.join(",")} are not the ones assigned (${assigned.join(",")})`,
    };
  if (!updateFilesPresent(ctx, sid, info.AccessInstance))
    return { Res: SubmitResult.FilesMissed, Desc: `update files not found in store ${info.AccessInstance}` };
  const proof = fromBase64(info.Proof);
  if (proof === null || proof === undefined) return { Res: SubmitResult.Rejected, Desc: "Proof is not base64" };
  // The chain judges the proof: ProveReplicaUpdates3 is estimated (the update proof verified) when pushed.
  const pushed = await pushReplicaUpdate(ctx, row, Uint8Array.from(info.CommR), proof);
  if ("refused" in pushed) return { Res: SubmitResult.Rejected, Desc: pushed.refused };
  // Not judged: the call fails and the worker submits again.
  if ("waiting" in pushed) throw generic(`SubmitSnapUpProof: the chain did not answer: ${pushed.waiting}`);
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    await updateSector(trx, sid.Miner, sid.Number, {
      snap_state: "upgraded",
      snap_comm_r: hex(info.CommR),
      snap_comm_d: hex(info.CommD),
      snap_instance: info.AccessInstance,
      snap_proof: toBase64(proof),
      snap_at: now,
      updated_at: now,
    });
    await appendTimeline(
      trx,
      managerTimelineEntry(
        sid,
        now,
        "SnapUpAllocated",
        "Upgraded",
        `ProveReplicaUpdates3 ${pushed.pushed}: comm_r ${hex(info.CommR)}`,
      ),
    );
  });
  return { Res: SubmitResult.Accepted, Desc: null };
}

/**
 * The worker is done with a SnapUp sector (ReportFinalized after an accepted submission, ReportAborted otherwise).
 * An upgrade that was accepted stays; one that was not gives its deals back to the queue and forgets its pieces,
 * and the sector keeps proving its old replica. Runs inside the caller's transaction.
 */
export async function endSnapUp(
  ctx: ManagerContext,
  trx: Transaction<Database>,
  row: SectorsTable,
  reason: string | null,
): Promise<void> {
  const now = ctx.now();
  const sid = { Miner: row.miner, Number: row.number };
  if (row.snap_state === "upgraded") {
    await updateSector(trx, sid.Miner, sid.Number, { finalized: 1, reserved_size: null, updated_at: now });
    return;
  }
  await requeueSectorDeals(trx, sid);
  await trx.deleteFrom("sector_pieces").where("miner", "=", sid.Miner).where("number", "=", sid.Number).execute();
  await updateSector(trx, sid.Miner, sid.Number, {
    snap_state: "none",
    finalized: 1,
    reserved_size: null,
    last_failure: `snapup aborted: ${reason ?? "finalized before the upgrade was accepted"}`,
    updated_at: now,
  });
  await appendTimeline(
    trx,
    managerTimelineEntry(sid, now, "SnapUpAllocated", "Active", "SnapUp aborted: deals requeued"),
  );
}
