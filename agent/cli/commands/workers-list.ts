// `sealfarm workers list`: the workers that pinged the manager, their last ping and threads by state.
import { parseArgs } from "../../manager/cli/cli-args.js";
import { CONNECT_FLAGS, connectManager } from "../../manager/cli/connect.js";
import { renderWorkers } from "../../manager/cli/render-tables.js";
import type { Command } from "../command.js";

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
