// SnapUp (damocles' planner/snapup.rs): a proving CC sector takes deals into an update replica. The upgrade lives on
// the sector row: its state, the new commitments, the store holding the update files, and the proof.
import type { Kysely } from "kysely";

const columns = ["snap_state", "snap_comm_r", "snap_comm_d", "snap_instance", "snap_proof", "snap_at"] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("sectors")
    .addColumn("snap_state", "text", (c) => c.notNull().defaultTo("none"))
    .execute();
  await db.schema.alterTable("sectors").addColumn("snap_comm_r", "text").execute();
  await db.schema.alterTable("sectors").addColumn("snap_comm_d", "text").execute();
  await db.schema.alterTable("sectors").addColumn("snap_instance", "text").execute();
  await db.schema.alterTable("sectors").addColumn("snap_proof", "text").execute();
  await db.schema.alterTable("sectors").addColumn("snap_at", "bigint").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of [...columns].reverse()) await db.schema.alterTable("sectors").dropColumn(c).execute();
}
