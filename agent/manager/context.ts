// What every service receives: the database, the resolved config, the chain (one ChainAccess: the Lotus client and
// gateway, for a Lotus node or the devnet the manager runs) and the clock. Passed explicitly, never a global.
import type { Kysely } from "kysely";
import { type ChainAccess, openChainAccess } from "./chain/chain-access.js";
import type { ManagerConfig } from "./config/manager-config.js";
import type { Database } from "./db/database.js";
import { dbFeatures } from "./db/dialect.js";
import { resolveProofsBin } from "./proofs/proofs-binary.js";

export interface ManagerContext {
  db: Kysely<Database>;
  config: ManagerConfig;
  chain: ChainAccess;
  /** The sealfarm-proofs binary used for CommP and verification. */
  proofsBin: string;
  /** PostgreSQL: lock rows read for update. SQLite: transactions are already exclusive. */
  rowLocks: boolean;
  now(): number;
}

/** What a command that works on the database alone (deals import) is handed: everything but the chain. */
export type OfflineContext = Omit<ManagerContext, "chain">;

export function createOfflineContext(db: Kysely<Database>, config: ManagerConfig): OfflineContext {
  return {
    db,
    config,
    proofsBin: resolveProofsBin(config.proofsBin),
    rowLocks: dbFeatures(db).rowLocks,
    now: Date.now,
  };
}

/** The context over a migrated database: the one place that decides what a service is handed. */
export async function createManagerContext(
  db: Kysely<Database>,
  config: ManagerConfig,
  devnetClock?: () => number,
): Promise<ManagerContext> {
  const offline = createOfflineContext(db, config);
  const chain = await openChainAccess({
    config: config.chain,
    home: config.home,
    miners: config.miners,
    proofsBin: offline.proofsBin,
    devnetClock,
  });
  return { ...offline, chain };
}
