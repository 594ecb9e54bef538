// `sealfarm messages list [--json]`: every chain message the manager recorded (CID, method, sectors, max fee,
// receipt exit code and epoch, or what it is waiting for).
import { parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { CONNECT_FLAGS, connectManager } from "../connect.js";
import { renderMessageList } from "../render-tables.js";

export const messagesList: Command = {
  path: ["messages", "list"],
  summary: "list the chain messages the manager sent, with their receipts",
  usage: "usage: sealfarm messages list [--json] [--home DIR | --url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS], ["json"]);
    const client = connectManager(args);
    try {
      const messages = await client.callVenus("ListMessages", []);
      io.out(args.flags.has("json") ? JSON.stringify(messages, null, 2) : renderMessageList(messages));
      return 0;
    } finally {
      client.close();
    }
  },
};
