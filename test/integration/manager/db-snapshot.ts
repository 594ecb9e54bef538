// Every row of every manager table, as one comparable value: "the database is unchanged" is checked with it.
import type { Kysely } from "kysely";
import type { Database } from "../../../agent/manager/db/database.js";

const TABLES = [
  "counters",
  "sectors",
  "timeline",
  "workers",
  "chain",
  "messages",
  "deals",
  "sector_pieces",
  "wdpost_jobs",
] as const;

export async function snapshot(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const rows = await db.selectFrom(t).selectAll().execute();
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
