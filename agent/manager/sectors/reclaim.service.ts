// Allocated sectors nobody took: AllocateSector committed the row, but its reply never reached a worker (the
// manager was stopped or killed between commit and reply, or the worker died), so no worker ever reported on it.
// After sectors.reclaim_allocated_after such a sector is aborted like a ReportAborted (its deals go back to the
// queue), and a `Reclaimed` entry in its timeline says why. The number is not reused (numbers never are).
import type { ManagerContext } from "../context.js";
import { appendTimeline, updateSector } from "./sector.repository.js";

export const RECLAIM_INSTANCE = "manager";

/** Reclaims every stale Allocated sector; returns how many. */
export async function reclaimStaleAllocations(ctx: ManagerContext): Promise<number> {
  const cutoff = ctx.now() - ctx.config.reclaimAllocatedAfterMs;
  const stale = await ctx.db
    .selectFrom("sectors")
    .select(["miner", "number"])
    .where("state", "=", "Allocated")
    .where("worker", "is", null)
    .where("finalized", "=", 0)
    .where("aborted", "=", 0)
    .where("rebuild_state", "=", "none")
    .where("updated_at", "<", cutoff)
    .execute();
  let reclaimed = 0;
  const after = `${Math.round(ctx.config.reclaimAllocatedAfterMs / 1000)} s`;
  for (const { miner, number } of stale) {
    const done = await ctx.db.transaction().execute(async (trx) => {
      // Re-checked under the transaction: a worker may have reported since the scan.
      const row = await trx
        .selectFrom("sectors")
        .select(["worker", "aborted", "finalized"])
        .where("miner", "=", miner)
        .where("number", "=", number)
        .where("updated_at", "<", cutoff)
        .executeTakeFirst();
      if (row === undefined || row.worker !== null || row.aborted || row.finalized) return false;
      const now = ctx.now();
      const reason = `reclaimed: allocated, but no worker reported on it within ${after}`;
      await trx
        .updateTable("deals")
        .set({ state: "queued", sector_number: null })
        .where("miner", "=", miner)
        .where("sector_number", "=", number)
        .where("state", "=", "assigned")
        .execute();
      await updateSector(trx, miner, number, {
        aborted: 1,
        abort_reason: reason,
        state: "Aborted",
        reserved_size: null,
        updated_at: now,
      });
      await appendTimeline(trx, {
        miner,
        number,
        at: now,
        instance: RECLAIM_INSTANCE,
        location: "",
        prev: "Allocated",
        next: "Aborted",
        event: "Reclaimed",
        failure_level: null,
        failure_desc: reason,
      });
      return true;
    });
    if (done) reclaimed++;
  }
  return reclaimed;
}
