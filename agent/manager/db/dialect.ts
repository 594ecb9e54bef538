// The one place that knows which database is behind `db.url`. Everything else talks to Kysely and asks
// `dbFeatures(db)` what the database can do.
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteAdapter } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";
import { staticMigrationProvider } from "./migrations/index.js";
import { GroupCommitSqliteDialect } from "./sqlite-group-commit.js";

export interface OpenOptions {
  /** SQLite: "full" fsyncs the WAL on every commit; "normal" is durable against process crashes only. */
  synchronous?: "full" | "normal";
  /** PostgreSQL pool size. */
  poolSize?: number;
}

// int8 (oid 20) and numeric come back from pg as strings by default; our bigints are all < 2^53.
const pgTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") => {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function openDatabase(url: string, options: OpenOptions = {}): Kysely<Database> {
  if (url.startsWith("sqlite://")) {
    const path = url.slice("sqlite://".length);
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
    sqlite.pragma("busy_timeout = 5000");
    return new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(sqlite) });
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: pgTypes });
    // An idle client can lose its server (restart, pg_terminate_backend); the pool replaces it. Without a
    // listener the error would be an uncaught exception and take the manager down.
    pool.on("error", (error) => console.error(`sealfarm manager: postgres idle client: ${error.message}`));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  throw new RangeError(`db.url: expected sqlite://PATH or postgres://…, got ${JSON.stringify(url)}`);
}

export interface DbFeatures {
  /** SELECT … FOR UPDATE locks rows (PostgreSQL). SQLite has one writer, so a transaction is already exclusive. */
  rowLocks: boolean;
}

export function dbFeatures(db: Kysely<Database>): DbFeatures {
  return { rowLocks: !(db.getExecutor().adapter instanceof SqliteAdapter) };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
