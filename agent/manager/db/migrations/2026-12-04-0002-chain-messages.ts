// Issue #17: the record of every chain message the manager sends through the Lotus API: its CID once pushed, the
// method, the sectors it carries, the max fee and value, the receipt (exit code, epoch, gas) and the last error.
// `message` keeps the Lotus JSON of a message that cannot be built again from sector rows (a WindowPoSt's proof and
// partitions), so a push repeated after a crash sends the same one. A WindowPoSt job points at its message (`msg`).
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
  ["message", "text"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of columns) await db.schema.alterTable("messages").addColumn(name, type).execute();
  await db.schema.alterTable("wdpost_jobs").addColumn("msg", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("wdpost_jobs").dropColumn("msg").execute();
  for (const [name] of [...columns].reverse()) await db.schema.alterTable("messages").dropColumn(name).execute();
}
