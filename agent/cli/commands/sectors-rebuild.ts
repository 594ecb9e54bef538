// `sealfarm sectors rebuild MINER NUMBER [--pieces-available]`: queue a proving sector whose sealed file or cache was
// lost; a worker with a `rebuild` thread seals it again, bit for bit, from its stored ticket and pieces.
import { parseArgs, parseUint } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { CONNECT_FLAGS, connectManager } from "../connect.js";

export const sectorsRebuild: Command = {
  path: ["sectors", "rebuild"],
  summary: "queue a proving sector to be sealed again from its stored ticket and pieces",
  usage:
    "usage: sealfarm sectors rebuild MINER NUMBER [--pieces-available] [--home DIR | --url URL] [--token T]\n" +
    "  --pieces-available  the sector's deal pieces are in the manager's piece store (needed for a sector with deals)",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS], ["pieces-available"]);
    const [miner, number] = args.positionals;
    if (miner === undefined || number === undefined || args.positionals.length !== 2)
      throw new UsageError("expected MINER and NUMBER");
    const sid = { Miner: parseUint(miner.replace(/^[tf]0/, ""), "MINER"), Number: parseUint(number, "NUMBER") };
    const client = connectManager(args);
    try {
      await client.callVenus("SectorSetForRebuild", [sid, { PiecesAvailable: args.flags.has("pieces-available") }]);
      io.out(`s-t0${sid.Miner}-${sid.Number} queued for rebuild`);
      return 0;
    } finally {
      client.close();
    }
  },
};
