// Venus.ReportState (kept as the sector's timeline), ReportFinalized, ReportAborted and SubmitPersisted(Ex). For a
// sector being rebuilt, ReportFinalized and ReportAborted end the rebuild and the sector keeps proving.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ReportStateReq, SectorID, SectorStateResp } from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import { requeueSectorDeals } from "../deals/deal.service.js";
import { sectorNotFound } from "../rpc/rpc-errors.js";
import { liveSector } from "./live-sector.js";
import { abortRebuildPatch, finishRebuildPatch } from "./rebuild.service.js";
import { appendTimeline, findSector, updateSector } from "./sector.repository.js";
import { sectorName } from "./sector-name.js";
import { endSnapUp } from "./snapup.service.js";

export async function reportState(ctx: ManagerContext, sid: SectorID, req: ReportStateReq): Promise<SectorStateResp> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    // The hot path of the whole manager: one UPDATE of a live sector, one INSERT into the timeline.
    const updated = await trx
      .updateTable("sectors")
      .set({
        worker: req.Worker.Instance,
        location: req.Worker.Location,
        latest_state: req.StateChange.Next,
        updated_at: now,
        ...(req.Failure ? { last_failure: `${req.Failure.Level}: ${req.Failure.Desc}` } : {}),
      })
      .where("miner", "=", sid.Miner)
      .where("number", "=", sid.Number)
      .where("finalized", "=", 0)
      .where("aborted", "=", 0)
      .executeTakeFirst();
    let resp: SectorStateResp = { Id: sid, Finalized: false, AbortReason: null };
    if (Number(updated.numUpdatedRows) === 0) {
      // Not live: unknown (11001), or offline, which tells the worker the manager has let go of it.
      const row = await findSector(trx, sid.Miner, sid.Number);
      if (row === undefined) throw sectorNotFound(sid);
      resp = { Id: sid, Finalized: true, AbortReason: row.aborted ? row.abort_reason : null };
    }
    await appendTimeline(trx, {
      miner: sid.Miner,
      number: sid.Number,
      at: now,
      instance: req.Worker.Instance,
      location: req.Worker.Location,
      prev: req.StateChange.Prev,
      next: req.StateChange.Next,
      event: req.StateChange.Event,
      failure_level: req.Failure?.Level ?? null,
      failure_desc: req.Failure?.Desc ?? null,
    });
    return resp;
  });
}

/** Idempotent: a second call on a finalized sector is a no-op; an aborted one answers 11001. */
export async function reportFinalized(ctx: ManagerContext, sid: SectorID): Promise<null> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findSector(trx, sid.Miner, sid.Number, ctx.rowLocks);
    if (row === undefined) throw sectorNotFound(sid);
    if (row.aborted) throw sectorNotFound(sid, `was aborted: ${row.abort_reason ?? ""}`);
    if (row.finalized) return null;
    if (row.rebuild_state === "running") {
      await updateSector(trx, sid.Miner, sid.Number, finishRebuildPatch(ctx.now()));
      return null;
    }
    if (row.snap_state !== "none") {
      await endSnapUp(ctx, trx, row, null);
      return null;
    }
    await updateSector(trx, sid.Miner, sid.Number, { finalized: 1, reserved_size: null, updated_at: ctx.now() });
    return null;
  });
}

/** Releases the sector's deals back to the queue and its reserved space; idempotent. */
export async function reportAborted(ctx: ManagerContext, sid: SectorID, reason: string): Promise<null> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findSector(trx, sid.Miner, sid.Number, ctx.rowLocks);
    if (row === undefined) throw sectorNotFound(sid);
    if (row.aborted || row.finalized) return null;
    if (row.rebuild_state === "running") {
      // A rebuild that gives up does not take the proving sector (or its deals) with it.
      await updateSector(trx, sid.Miner, sid.Number, abortRebuildPatch(ctx.now(), reason));
      return null;
    }
    if (row.snap_state !== "none") {
      // An upgrade that gives up does not take the proving sector with it.
      await endSnapUp(ctx, trx, row, reason);
      return null;
    }
    await requeueSectorDeals(trx, sid);
    await updateSector(trx, sid.Miner, sid.Number, {
      aborted: 1,
      abort_reason: reason,
      state: row.state === "Active" ? row.state : "Aborted",
      reserved_size: null,
      updated_at: ctx.now(),
    });
    return null;
  });
}

/**
 * The worker has copied the sealed file and cache into `instance`. Like damocles' provability check, answer false
 * when the store is unknown or the files are not there.
 */
export async function submitPersisted(
  ctx: ManagerContext,
  sid: SectorID,
  instance: string,
  isUpgrade: boolean,
): Promise<boolean> {
  const store = ctx.config.persistStores.find((s) => s.name === instance);
  if (store === undefined || isUpgrade) return false;
  const name = sectorName(sid);
  if (!existsSync(join(store.path, "sealed", name)) || !existsSync(join(store.path, "cache", name))) return false;
  return ctx.db.transaction().execute(async (trx) => {
    await liveSector(ctx, trx, sid);
    await updateSector(trx, sid.Miner, sid.Number, { persist_instance: instance, updated_at: ctx.now() });
    return true;
  });
}
