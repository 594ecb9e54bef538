// Unseal tasks (damocles' planner/unseal.rs): `sealfarm sectors unseal` finds the proving sector holding a piece and
// queues a task (Venus.SectorSetForUnseal, State Set); Venus.AllocateUnsealSector hands it to one worker (Assigned)
// with the sector's stored ticket, CommD and persist instance; Venus.AcquireUnsealDest gives the upload URLs;
// Venus.AchieveUnsealSector ends it (Finished, or Failed with the worker's error). The sector itself stays proving
// and finalized: an unseal reads its sealed file in place.
import {
  type AllocateSectorSpec,
  type SectorID,
  type SectorUnsealInfo,
  type UnsealRequest,
  UnsealState,
  type UnsealTaskView,
} from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import type { Db } from "../db/database.js";
import type { SectorsTable } from "../db/tables/sectors.table.js";
import type { UnsealTasksTable } from "../db/tables/unseal.table.js";
import { commitmentFromPieceCid } from "../proofs/piece-cid.js";
import { generic, invalidParams } from "../rpc/rpc-errors.js";
import { specAllows } from "../sectors/allocate.service.js";
import { findSector } from "../sectors/sector.repository.js";
import { sectorName } from "../sectors/sector-name.js";
import { defaultUnsealDest, unpadded, unsealDestProblem, unsealStateName } from "./unseal-dest.js";

export function unsealTaskView(t: UnsealTasksTable): UnsealTaskView {
  return {
    Sector: { Miner: t.miner, Number: t.number },
    PieceCid: { "/": t.piece_cid },
    Offset: t.offset,
    Size: t.size,
    Dest: JSON.parse(t.dest) as string[],
    State: t.state,
    StateName: unsealStateName(t.state),
    ErrorInfo: t.error_info,
    CreatedAt: t.created_at,
    UpdatedAt: t.updated_at,
  };
}

/** Why the sector cannot be unsealed from, or null. Pure. */
export function unsealRefusal(row: SectorsTable): string | null {
  if (row.aborted) return "was aborted";
  if (row.state !== "Active" || !row.finalized)
    return `is not proving (${row.state}${row.finalized ? "" : ", sealing"})`;
  if (row.rebuild_state !== "none") return `is being rebuilt (${row.rebuild_state}); its sealed file is not there`;
  if (row.snap_state !== "none")
    return "was upgraded by SnapUp (or is being upgraded); unsealing an update replica is not supported yet";
  if (row.persist_instance === null || row.pc_ticket === null || row.pc_comm_d === null)
    return "has no stored persist instance, ticket or comm_d";
  return null;
}

async function findTask(db: Db, sid: SectorID, pieceCid: string, lock: boolean) {
  let q = db
    .selectFrom("unseal_tasks")
    .selectAll()
    .where("miner", "=", sid.Miner)
    .where("number", "=", sid.Number)
    .where("piece_cid", "=", pieceCid);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * Queues (or queues again, with the new destinations) the unseal of one piece. Without `Sector`, the first proving
 * sector holding the piece is used.
 */
export async function setForUnseal(ctx: ManagerContext, req: UnsealRequest): Promise<UnsealTaskView> {
  const cid = req.PieceCid["/"];
  if (commitmentFromPieceCid(cid) === null)
    throw invalidParams(`sectors unseal: PieceCid: expected a piece CID (baga6ea4seaq…), got ${JSON.stringify(cid)}`);
  const dest = req.Dest === null || req.Dest.length === 0 ? [defaultUnsealDest(cid)] : req.Dest;
  dest.forEach((url, i) => {
    const problem = unsealDestProblem(url, cid);
    if (problem !== null) throw invalidParams(`sectors unseal: Dest/${i}: ${problem}`);
  });
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("sector_pieces")
      .selectAll()
      .where("piece_cid", "=", cid)
      .orderBy("miner")
      .orderBy("number")
      .orderBy("idx");
    if (req.Sector !== null) q = q.where("miner", "=", req.Sector.Miner).where("number", "=", req.Sector.Number);
    const holders = await q.execute();
    const where = req.Sector === null ? "any sector" : sectorName(req.Sector);
    if (holders.length === 0) throw generic(`sectors unseal: piece ${cid} not found in ${where}`);
    const refusals: string[] = [];
    for (const piece of holders) {
      const sid = { Miner: piece.miner, Number: piece.number };
      const row = await findSector(trx, sid.Miner, sid.Number, ctx.rowLocks);
      const refusal = row === undefined ? "is unknown" : unsealRefusal(row);
      if (refusal !== null) {
        refusals.push(`${sectorName(sid)} ${refusal}`);
        continue;
      }
      const now = ctx.now();
      const values = {
        offset: unpadded(piece.offset),
        size: unpadded(piece.padded_size),
        dest: JSON.stringify(dest),
        state: UnsealState.Set,
        error_info: "",
        updated_at: now,
      };
      // One upsert: a concurrent request for the same task cannot trip over the primary key.
      await trx
        .insertInto("unseal_tasks")
        .values({ miner: sid.Miner, number: sid.Number, piece_cid: cid, created_at: now, ...values })
        .onConflict((oc) => oc.columns(["miner", "number", "piece_cid"]).doUpdateSet(values))
        .execute();
      return unsealTaskView((await findTask(trx, sid, cid, false)) as UnsealTasksTable);
    }
    throw generic(
      `sectors unseal: piece ${cid} is held only by sectors that cannot be unsealed: ${refusals.join("; ")}`,
    );
  });
}

/** Hands the oldest Set task whose sector the spec allows to one worker (Assigned); null when none. */
export async function allocateUnsealSector(
  ctx: ManagerContext,
  spec: AllocateSectorSpec,
): Promise<SectorUnsealInfo | null> {
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("unseal_tasks")
      .selectAll()
      .where("state", "=", UnsealState.Set)
      .orderBy("created_at")
      .orderBy("miner")
      .orderBy("number")
      .limit(100);
    if (spec.AllowedMiners !== null && spec.AllowedMiners.length > 0) q = q.where("miner", "in", spec.AllowedMiners);
    if (ctx.rowLocks) q = q.forUpdate().skipLocked();
    for (const task of await q.execute()) {
      const row = await findSector(trx, task.miner, task.number);
      if (row === undefined || !specAllows(spec, row.miner, row.proof_type)) continue;
      const sid = { Miner: row.miner, Number: row.number };
      const refusal = unsealRefusal(row);
      const now = ctx.now();
      const patch =
        refusal === null
          ? { state: UnsealState.Assigned, updated_at: now }
          : { state: UnsealState.Failed, error_info: `not handed out: ${sectorName(sid)} ${refusal}`, updated_at: now };
      await trx
        .updateTable("unseal_tasks")
        .set(patch)
        .where("miner", "=", task.miner)
        .where("number", "=", task.number)
        .where("piece_cid", "=", task.piece_cid)
        .execute();
      if (refusal !== null) continue;
      return {
        Sector: { ID: sid, ProofType: row.proof_type },
        PieceCid: { "/": task.piece_cid },
        Offset: task.offset,
        Size: task.size,
        PrivateInfo: { AccessInstance: row.persist_instance ?? "" },
        Ticket: { Ticket: row.pc_ticket ?? "", Epoch: row.pc_ticket_epoch ?? 0 },
        CommD: Array.from(Buffer.from(row.pc_comm_d ?? "", "hex")),
        Dest: JSON.parse(task.dest) as string[],
        State: UnsealState.Assigned,
        ErrorInfo: "",
      };
    }
    return null;
  });
}

function noTask(sid: SectorID, cid: string) {
  return generic(`no unseal task for piece ${cid} in ${sectorName(sid)}`);
}

export async function acquireUnsealDest(ctx: ManagerContext, sid: SectorID, pieceCid: string): Promise<string[]> {
  const task = await findTask(ctx.db, sid, pieceCid, false);
  if (task === undefined) throw noTask(sid, pieceCid);
  return JSON.parse(task.dest) as string[];
}

/**
 * "" → Finished, anything else → Failed with that text. Repeating the call is harmless; a task queued again since
 * it was handed out (State Set) is refused, so a late answer cannot finish the new run.
 */
export async function achieveUnsealSector(
  ctx: ManagerContext,
  sid: SectorID,
  pieceCid: string,
  errInfo: string,
): Promise<null> {
  return ctx.db.transaction().execute(async (trx) => {
    const task = await findTask(trx, sid, pieceCid, ctx.rowLocks);
    if (task === undefined) throw noTask(sid, pieceCid);
    if (task.state === UnsealState.Set)
      throw generic(`unseal of ${pieceCid} in ${sectorName(sid)} was queued again and not handed out yet`);
    await trx
      .updateTable("unseal_tasks")
      .set({
        state: errInfo === "" ? UnsealState.Finished : UnsealState.Failed,
        error_info: errInfo,
        updated_at: ctx.now(),
      })
      .where("miner", "=", sid.Miner)
      .where("number", "=", sid.Number)
      .where("piece_cid", "=", pieceCid)
      .execute();
    return null;
  });
}

export async function listUnsealTasks(ctx: ManagerContext, state: UnsealState | null): Promise<UnsealTaskView[]> {
  let q = ctx.db.selectFrom("unseal_tasks").selectAll().orderBy("created_at").orderBy("miner").orderBy("number");
  if (state !== null) q = q.where("state", "=", state);
  return (await q.execute()).map(unsealTaskView);
}
