// `sealfarm sectors rebuild MINER NUMBER [--pieces-available]`: queue a proving sector whose sealed file or cache was
// lost; a worker with a `rebuild` thread seals it again, bit for bit, from its stored ticket and pieces.
import { parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { CONNECT_FLAGS } from "../connect.js";
import { sectorIdPositionals, withManager } from "../manager-query.js";

export const sectorsRebuild: Command = {
  path: ["sectors", "rebuild"],
  summary: "queue a proving sector to be sealed again from its stored ticket and pieces",
  usage:
    "usage: sealfarm sectors rebuild MINER NUMBER [--pieces-available] [--home DIR | --url URL] [--token T]\n" +
    "  --pieces-available  the sector's deal pieces are in the manager's piece store (needed for a sector with deals)",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS], ["pieces-available"]);
    const sid = sectorIdPositionals(args);
    await withManager(args, (client) =>
      client.callVenus("SectorSetForRebuild", [sid, { PiecesAvailable: args.flags.has("pieces-available") }]),
    );
    io.out(`s-t0${sid.Miner}-${sid.Number} queued for rebuild`);
    return 0;
  },
};
