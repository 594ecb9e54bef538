// The worker registry (Venus.WorkerPing, Venus.WorkerPingInfoList).
import type { WorkerInfo, WorkerPingInfo } from "../../shared/rpc/venus-types.js";
import type { Db } from "../db/database.js";

export async function upsertWorker(db: Db, info: WorkerInfo, nowMs: number): Promise<void> {
  const s = info.Summary;
  const row = {
    name: info.Name,
    dest: info.Dest,
    version: info.Version,
    threads: s.Threads,
    empty: s.Empty,
    paused: s.Paused,
    running: s.Running,
    waiting: s.Waiting,
    errors: s.Errors,
    last_ping: nowMs,
  };
  await db
    .insertInto("workers")
    .values(row)
    .onConflict((oc) => oc.column("name").doUpdateSet(row))
    .execute();
}

export async function listWorkers(db: Db): Promise<WorkerPingInfo[]> {
  const rows = await db.selectFrom("workers").selectAll().orderBy("name").execute();
  return rows.map((r) => ({
    Info: {
      Name: r.name,
      Dest: r.dest,
      Version: r.version,
      Summary: {
        Threads: r.threads,
        Empty: r.empty,
        Paused: r.paused,
        Running: r.running,
        Waiting: r.waiting,
        Errors: r.errors,
      },
    },
    LastPing: Math.floor(r.last_ping / 1000),
  }));
}
