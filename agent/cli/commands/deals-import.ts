// `sealfarm deals import FILE [--miner ID]`: CommP via sealfarm-proofs, the file kept in the piece store, the
// piece queued for AcquireDeals. Works on the manager's database directly (SQLite WAL allows a running manager).
import { resolve } from "node:path";
import { loadManagerConfig } from "../../manager/config/load-manager-config.js";
import { createOfflineContext } from "../../manager/context.js";
import { migrateToLatest, openDatabase } from "../../manager/db/dialect.js";
import { importDeal } from "../../manager/deals/deal.service.js";
import { flag, managerHome, parseArgs } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { parseMinerActor } from "../manager-query.js";

export const dealsImport: Command = {
  path: ["deals", "import"],
  summary: "compute a file's CommP, store it and queue it for a sector",
  usage:
    "usage: sealfarm deals import FILE [--miner ID] [--home DIR]\n\nPrints the deal id, piece CID and padded size.",
  async run(argv, io) {
    const args = parseArgs(argv, ["home", "miner"], ["json"]);
    const [file] = args.positionals;
    if (file === undefined || args.positionals.length !== 1) throw new UsageError("expected one FILE");
    const config = loadManagerConfig(resolve(managerHome(args)));
    const minerFlag = flag(args, "miner");
    const miner = minerFlag === undefined ? config.miners[0]?.actor : parseMinerActor(minerFlag, "--miner");
    if (miner === undefined) throw new UsageError("no miner in manager.toml; pass --miner");
    const db = openDatabase(config.dbUrl, { synchronous: config.sqliteSynchronous });
    try {
      await migrateToLatest(db);
      const ctx = createOfflineContext(db, config);
      const deal = await importDeal(ctx, resolve(file), miner);
      // A miner that takes no deals keeps the deal queued: say so, not only "queued", so nobody waits for it.
      if (config.miners.find((m) => m.actor === miner)?.enableDeals !== true)
        io.err(
          `note: t0${miner} takes no deals (enable_deals = false in manager.toml; a deployed farm sets it with ` +
            "deals: true in sealfarm:farm): the deal stays queued until it does",
        );
      io.out(
        args.flags.has("json")
          ? JSON.stringify(deal)
          : `deal ${deal.id}: ${deal.pieceCid} (${deal.paddedSize} padded bytes, ${deal.payloadSize} payload) queued for t0${deal.miner}`,
      );
      return 0;
    } finally {
      await db.destroy();
    }
  },
};
