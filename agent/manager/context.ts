// What every service receives: the database, the resolved config, the chain and the clock. Passed explicitly,
// never imported as a global.
import type { Kysely } from "kysely";
import { type Devnet, openDevnet } from "./chain/devnet/devnet.js";
import type { ManagerConfig } from "./config/manager-config.js";
import type { Database } from "./db/database.js";
import { dbFeatures } from "./db/dialect.js";
import { resolveProofsBin } from "./proofs/proofs-binary.js";

export interface ManagerContext {
  db: Kysely<Database>;
  config: ManagerConfig;
  chain: Devnet;
  /** The sealfarm-proofs binary used for CommP and verification. */
  proofsBin: string;
  /** PostgreSQL: lock rows read for update. SQLite: transactions are already exclusive. */
  rowLocks: boolean;
  now(): number;
}

/** The context over a migrated database: the one place that decides what a service is handed. */
export async function createManagerContext(db: Kysely<Database>, config: ManagerConfig): Promise<ManagerContext> {
  return {
    db,
    config,
    chain: await openDevnet(db, config.chain),
    proofsBin: resolveProofsBin(config.proofsBin),
    rowLocks: dbFeatures(db).rowLocks,
    now: Date.now,
  };
}
