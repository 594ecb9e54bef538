// Sector rows, sector numbers and the timeline. Free functions over Kysely or a transaction; the caller (an RPC
// method or the message pump) decides the transaction boundaries.
import type { Updateable } from "kysely";
import type { Db } from "../db/database.js";
import type { SectorsTable, TimelineTable } from "../db/tables/sectors.table.js";

/**
 * Takes the next value of a named counter, starting at `first`. One UPDATE … RETURNING: atomic under concurrent
 * callers on both dialects (row lock on PostgreSQL, the single writer on SQLite).
 */
export async function takeCounter(db: Db, name: string, first: number): Promise<number> {
  await db
    .insertInto("counters")
    .values({ name, value: first - 1 })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await db
    .updateTable("counters")
    .set((eb) => ({ value: eb("value", "+", 1) }))
    .where("name", "=", name)
    .returning("value")
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** The rebuild and snap-up columns of a sector neither queued for a rebuild nor snapped up: a new sector's. */
export const NEITHER_REBUILT_NOR_SNAPPED: Pick<
  SectorsTable,
  | "rebuild_state"
  | "rebuild_pieces_available"
  | "rebuild_queued_at"
  | "snap_state"
  | "snap_comm_r"
  | "snap_comm_d"
  | "snap_instance"
  | "snap_proof"
  | "snap_at"
> = {
  rebuild_state: "none",
  rebuild_pieces_available: 0,
  rebuild_queued_at: null,
  snap_state: "none",
  snap_comm_r: null,
  snap_comm_d: null,
  snap_instance: null,
  snap_proof: null,
  snap_at: null,
};

export async function insertSector(db: Db, row: SectorsTable): Promise<void> {
  await db.insertInto("sectors").values(row).execute();
}

export async function findSector(
  db: Db,
  miner: number,
  number: number,
  lock = false,
): Promise<SectorsTable | undefined> {
  let q = db.selectFrom("sectors").selectAll().where("miner", "=", miner).where("number", "=", number);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateSector(
  db: Db,
  miner: number,
  number: number,
  patch: Updateable<SectorsTable>,
): Promise<void> {
  await db.updateTable("sectors").set(patch).where("miner", "=", miner).where("number", "=", number).execute();
}

export async function listSectors(db: Db, state: string | null): Promise<SectorsTable[]> {
  let q = db.selectFrom("sectors").selectAll().orderBy("miner").orderBy("number");
  if (state !== null) q = q.where("state", "=", state as SectorsTable["state"]);
  return q.execute();
}

export async function appendTimeline(db: Db, row: TimelineTable): Promise<void> {
  await db.insertInto("timeline").values(row).execute();
}

/** The timeline entry the manager writes for what it did to a sector (the worker's entries come from ReportState). */
export function managerTimelineEntry(
  sid: { Miner: number; Number: number },
  at: number,
  prev: string,
  next: string,
  event: string,
): TimelineTable {
  return {
    miner: sid.Miner,
    number: sid.Number,
    at,
    instance: "manager",
    location: "",
    prev,
    next,
    event,
    failure_level: null,
    failure_desc: null,
  };
}

export async function sectorTimeline(db: Db, miner: number, number: number): Promise<TimelineTable[]> {
  return db
    .selectFrom("timeline")
    .selectAll()
    .where("miner", "=", miner)
    .where("number", "=", number)
    .orderBy("at")
    .execute();
}

export async function countSectorsByState(db: Db): Promise<{ state: string; n: number }[]> {
  const rows = await db
    .selectFrom("sectors")
    .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("state")
    .execute();
  return rows.map((r) => ({ state: r.state, n: Number(r.n) }));
}
