// `sealfarm workers list`: the workers that pinged the manager, their last ping and threads by state.
import { parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { CONNECT_FLAGS, connectManager } from "../connect.js";
import { renderWorkers } from "../render-tables.js";

export const workersList: Command = {
  path: ["workers", "list"],
  summary: "list workers with last ping and threads by state",
  usage: "usage: sealfarm workers list [--json] [--home DIR | --url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS], ["json"]);
    const client = connectManager(args);
    try {
      const workers = await client.callVenus("WorkerPingInfoList", []);
      io.out(
        args.flags.has("json")
          ? JSON.stringify(workers, null, 2)
          : renderWorkers(workers, Math.floor(Date.now() / 1000)),
      );
      return 0;
    } finally {
      client.close();
    }
  },
};
