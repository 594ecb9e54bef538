// `sealfarm sectors list [--state S] [--json]`: every sector with its state, worker and last failure.
import { flag, parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { CONNECT_FLAGS, connectManager } from "../connect.js";
import { renderSectorList } from "../render-tables.js";

export const sectorsList: Command = {
  path: ["sectors", "list"],
  summary: "list sectors with state, worker and last failure",
  usage: "usage: sealfarm sectors list [--state S] [--json] [--home DIR | --url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS, "state"], ["json"]);
    const client = connectManager(args);
    try {
      const sectors = await client.callVenus("ListSectors", [flag(args, "state") ?? null]);
      io.out(args.flags.has("json") ? JSON.stringify(sectors, null, 2) : renderSectorList(sectors));
      return 0;
    } finally {
      client.close();
    }
  },
};
