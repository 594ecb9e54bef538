// What every service receives: the database, the resolved config, the chain and the clock. Passed explicitly,
// never imported as a global.
import type { Kysely } from "kysely";
import type { Devnet } from "./chain/devnet/devnet.js";
import type { ManagerConfig } from "./config/manager-config.js";
import type { Database } from "./db/database.js";

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
