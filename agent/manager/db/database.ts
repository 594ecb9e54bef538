// The manager's tables, gathered for Kysely. Column conventions that hold on both dialects: integers are
// `bigint` (read back as JS numbers), booleans are 0/1 integers, bytes are hex or base64 text.
import type { Kysely, Transaction } from "kysely";
import type { ChainTable, MessagesTable } from "./tables/chain.table.js";
import type { DealsTable, SectorPiecesTable } from "./tables/deals.table.js";
import type { SectorsTable, TimelineTable } from "./tables/sectors.table.js";
import type { UnsealTasksTable } from "./tables/unseal.table.js";
import type { WdPostJobsTable } from "./tables/wdpost.table.js";
import type { WorkersTable } from "./tables/workers.table.js";

export interface CountersTable {
  name: string;
  value: number;
}

export interface Database {
  counters: CountersTable;
  sectors: SectorsTable;
  timeline: TimelineTable;
  workers: WorkersTable;
  chain: ChainTable;
  messages: MessagesTable;
  deals: DealsTable;
  sector_pieces: SectorPiecesTable;
  wdpost_jobs: WdPostJobsTable;
  unseal_tasks: UnsealTasksTable;
}

/** What a query runs on: the database, or a transaction a service opened on it (repositories take either). */
export type Db = Kysely<Database> | Transaction<Database>;
