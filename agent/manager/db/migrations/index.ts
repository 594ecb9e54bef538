// A static migration provider: a bundled release cannot read a migrations folder at run time. Names start with an
// ISO date because Kysely runs them in name order.
import type { Migration, MigrationProvider } from "kysely";
import * as initial from "./2026-11-25-0001-initial.js";
import * as rebuildUnseal from "./2026-11-26-0001-rebuild-unseal.js";
import * as snapUp from "./2026-12-04-0001-snapup.js";
import * as chainMessages from "./2026-12-04-0002-chain-messages.js";

export const migrations: Record<string, Migration> = {
  "2026-11-25-0001-initial": initial,
  "2026-11-26-0001-rebuild-unseal": rebuildUnseal,
  "2026-12-04-0001-snapup": snapUp,
  "2026-12-04-0002-chain-messages": chainMessages,
};

export const staticMigrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
