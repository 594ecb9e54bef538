// Rebuild and unseal (damocles' planner/rebuild.rs, unseal.rs): the rebuild queue lives on the sector row, unseal tasks
// get their own table (one task per sector and piece). Same types on both dialects, as in the first migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("sectors")
    .addColumn("rebuild_state", "text", (c) => c.notNull().defaultTo("none"))
    .execute();
  await db.schema
    .alterTable("sectors")
    .addColumn("rebuild_pieces_available", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("sectors").addColumn("rebuild_queued_at", "bigint").execute();
  await db.schema
    .createIndex("sectors_rebuild")
    .on("sectors")
    .columns(["rebuild_state", "rebuild_queued_at"])
    .execute();

  await db.schema
    .createTable("unseal_tasks")
    .addColumn("miner", "bigint", (c) => c.notNull())
    .addColumn("number", "bigint", (c) => c.notNull())
    .addColumn("piece_cid", "text", (c) => c.notNull())
    .addColumn("offset", "bigint", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("dest", "text", (c) => c.notNull())
    .addColumn("state", "bigint", (c) => c.notNull())
    .addColumn("error_info", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("unseal_tasks_pk", ["miner", "number", "piece_cid"])
    .execute();
  await db.schema.createIndex("unseal_tasks_state").on("unseal_tasks").columns(["state", "created_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("unseal_tasks").execute();
  await db.schema.dropIndex("sectors_rebuild").execute();
  for (const c of ["rebuild_queued_at", "rebuild_pieces_available", "rebuild_state"])
    await db.schema.alterTable("sectors").dropColumn(c).execute();
}
