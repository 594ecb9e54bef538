// `sealfarm chain head`: the devnet's current epoch.
import { parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { CONNECT_FLAGS, connectManager } from "../connect.js";

export const chainHead: Command = {
  path: ["chain", "head"],
  summary: "print the chain's current epoch",
  usage: "usage: sealfarm chain head [--json] [--home DIR | --url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS], ["json"]);
    const client = connectManager(args);
    try {
      const head = await client.callVenus("ChainHead", []);
      io.out(
        args.flags.has("json") ? JSON.stringify(head) : `height ${head.Height} (block time ${head.BlockDelayMs} ms)`,
      );
      return 0;
    } finally {
      client.close();
    }
  },
};
