// The first schema. Types are chosen to mean the same on SQLite and PostgreSQL (bigint, text), so no branch on
// the dialect is needed here.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("counters")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sectors")
    .addColumn("miner", "bigint", (c) => c.notNull())
    .addColumn("number", "bigint", (c) => c.notNull())
    .addColumn("proof_type", "bigint", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("worker", "text")
    .addColumn("location", "text")
    .addColumn("latest_state", "text")
    .addColumn("last_failure", "text")
    .addColumn("ticket", "text")
    .addColumn("ticket_epoch", "bigint")
    .addColumn("deals_acquired", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("pc_comm_r", "text")
    .addColumn("pc_comm_d", "text")
    .addColumn("pc_ticket", "text")
    .addColumn("pc_ticket_epoch", "bigint")
    .addColumn("pc_stage", "text", (c) => c.notNull().defaultTo("none"))
    .addColumn("pc_msg", "text")
    .addColumn("pc_desc", "text")
    .addColumn("pc_queued_at", "bigint")
    .addColumn("pc_epoch", "bigint")
    .addColumn("seed", "text")
    .addColumn("seed_epoch", "bigint")
    .addColumn("persist_instance", "text")
    .addColumn("reserved_store", "text")
    .addColumn("reserved_size", "bigint")
    .addColumn("proof", "text")
    .addColumn("proof_stage", "text", (c) => c.notNull().defaultTo("none"))
    .addColumn("proof_msg", "text")
    .addColumn("proof_desc", "text")
    .addColumn("proof_queued_at", "bigint")
    .addColumn("active_epoch", "bigint")
    .addColumn("deadline", "bigint")
    .addColumn("faulty", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("finalized", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("aborted", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("abort_reason", "text")
    .addPrimaryKeyConstraint("sectors_pk", ["miner", "number"])
    .execute();
  await db.schema.createIndex("sectors_pc_stage").on("sectors").columns(["pc_stage", "miner"]).execute();
  await db.schema.createIndex("sectors_proof_stage").on("sectors").columns(["proof_stage", "miner"]).execute();
  await db.schema.createIndex("sectors_state").on("sectors").column("state").execute();

  await db.schema
    .createTable("timeline")
    .addColumn("miner", "bigint", (c) => c.notNull())
    .addColumn("number", "bigint", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("instance", "text", (c) => c.notNull())
    .addColumn("location", "text", (c) => c.notNull())
    .addColumn("prev", "text", (c) => c.notNull())
    .addColumn("next", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("failure_level", "text")
    .addColumn("failure_desc", "text")
    .execute();
  await db.schema.createIndex("timeline_sector").on("timeline").columns(["miner", "number", "at"]).execute();

  await db.schema
    .createTable("workers")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("dest", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("threads", "bigint", (c) => c.notNull())
    .addColumn("empty", "bigint", (c) => c.notNull())
    .addColumn("paused", "bigint", (c) => c.notNull())
    .addColumn("running", "bigint", (c) => c.notNull())
    .addColumn("waiting", "bigint", (c) => c.notNull())
    .addColumn("errors", "bigint", (c) => c.notNull())
    .addColumn("last_ping", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("chain")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("miner", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("sent_epoch", "bigint", (c) => c.notNull())
    .addColumn("sectors", "bigint", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("messages_state").on("messages").column("state").execute();

  await db.schema
    .createTable("deals")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("miner", "bigint", (c) => c.notNull())
    .addColumn("piece_cid", "text", (c) => c.notNull())
    .addColumn("comm_p", "text", (c) => c.notNull())
    .addColumn("padded_size", "bigint", (c) => c.notNull())
    .addColumn("payload_size", "bigint", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("sector_number", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("deals_queue").on("deals").columns(["miner", "state", "id"]).execute();

  await db.schema
    .createTable("sector_pieces")
    .addColumn("miner", "bigint", (c) => c.notNull())
    .addColumn("number", "bigint", (c) => c.notNull())
    .addColumn("idx", "bigint", (c) => c.notNull())
    .addColumn("piece_cid", "text", (c) => c.notNull())
    .addColumn("padded_size", "bigint", (c) => c.notNull())
    .addColumn("deal_id", "bigint", (c) => c.notNull())
    .addColumn("payload_size", "bigint", (c) => c.notNull())
    .addColumn("offset", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("sector_pieces_pk", ["miner", "number", "idx"])
    .execute();

  await db.schema
    .createTable("wdpost_jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("miner", "bigint", (c) => c.notNull())
    .addColumn("deadline", "bigint", (c) => c.notNull())
    .addColumn("open_epoch", "bigint", (c) => c.notNull())
    .addColumn("close_epoch", "bigint", (c) => c.notNull())
    .addColumn("input", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("try_num", "bigint", (c) => c.notNull())
    .addColumn("worker", "text")
    .addColumn("heartbeat_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("finished_at", "bigint")
    .addColumn("succeeded", "bigint")
    .addColumn("error", "text")
    .execute();
  await db.schema.createIndex("wdpost_jobs_state").on("wdpost_jobs").columns(["state", "miner"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    "wdpost_jobs",
    "sector_pieces",
    "deals",
    "messages",
    "chain",
    "workers",
    "timeline",
    "sectors",
    "counters",
  ])
    await db.schema.dropTable(t).execute();
}
