// Issue #17: the record of every chain message the manager sends through the Lotus API: its CID once pushed, the
// method, the sectors it carries, the max fee and value, the receipt (exit code, epoch, gas) and the last error.
// Existing rows (from the in-process devnet) keep their state; their new columns stay empty.
import type { Kysely } from "kysely";

const columns: [string, "text" | "integer" | "bigint"][] = [
  ["cid", "text"],
  ["method", "integer"],
  ["sector_numbers", "text"],
  ["max_fee", "text"],
  ["value", "text"],
  ["exit_code", "integer"],
  ["landed_epoch", "bigint"],
  ["gas_used", "bigint"],
  ["error", "text"],
  ["chain_error", "text"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of columns) await db.schema.alterTable("messages").addColumn(name, type).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of [...columns].reverse()) await db.schema.alterTable("messages").dropColumn(name).execute();
}
