// One test body per dialect: a fresh SQLite file or a fresh PostgreSQL database per test run, dropped
// afterwards. `DIALECTS=sqlite` narrows the run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { checkManagerToml } from "../../../agent/manager/config/load-manager-config.js";
import { type ManagerConfig, resolveManagerConfig } from "../../../agent/manager/config/manager-config.js";

export type Dialect = "sqlite" | "postgres";

export const DIALECTS: Dialect[] = (process.env.DIALECTS ?? "sqlite,postgres")
  .split(",")
  .filter((d): d is Dialect => d === "sqlite" || d === "postgres");

export const PG_ADMIN_URL = process.env.SEALFARM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  url: string;
  home: string;
  drop(): Promise<void>;
}

export async function freshDatabase(dialect: Dialect): Promise<TestDatabase> {
  const home = mkdtempSync(join(tmpdir(), `sealfarm-manager-${dialect}-`));
  if (dialect === "sqlite") {
    return {
      url: `sqlite://${join(home, "manager.db")}`,
      home,
      drop: async () => rmSync(home, { recursive: true, force: true }),
    };
  }
  const name = `sealfarm_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    home,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * A fast devnet on an ephemeral port: everything lands in a fraction of a second. The proving period is 2 h
 * (4 deadlines of 30 min): a sector's deadline (number % 4) first opens after it became Active no sooner than
 * 30 min after genesis, so in a test that runs no WindowPoSt an Active sector stays Active, instead of turning
 * Faulty at a moment that depends on the machine's speed. Tests about WindowPoSt set their own chain.
 */
export function testConfig(home: string, dbUrl: string, toml: Record<string, unknown> = {}): ManagerConfig {
  const file = join(home, "manager.toml");
  const base: Record<string, unknown> = {
    listen: "127.0.0.1:0",
    db: { url: dbUrl },
    chain: { block_time: "50ms", precommit_challenge_delay: 2, confidence: 1, proving_period: 144_000, deadlines: 4 },
    batching: { max_batch: 2, max_wait: "100ms" },
    persist_stores: [{ name: "persist-1", path: "persist-1" }],
    ...toml,
  };
  return resolveManagerConfig(home, checkManagerToml(file, base), file);
}
