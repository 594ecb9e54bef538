// `sealfarm sectors unseal PIECE_CID [--miner M --sector N] [--dest URL]`: queue the recovery of a deal's piece bytes
// from the proving sector that holds it; a worker with an `unseal` thread uploads them to the destination
// (default store:///PIECE_CID, this manager's piece store). `--list [--state S]` shows the tasks.

import { parseUnsealState } from "../../manager/unseal/unseal-dest.js";
import { flag, parseArgs, parseUint } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { CONNECT_FLAGS } from "../connect.js";
import { parseMinerActor, printAnswer, withManager } from "../manager-query.js";
import { renderUnsealTasks } from "../render-tables.js";

export const sectorsUnseal: Command = {
  path: ["sectors", "unseal"],
  summary: "queue the unseal of a piece (or --list the unseal tasks)",
  usage:
    "usage: sealfarm sectors unseal PIECE_CID [--miner M --sector N] [--dest URL] [--json] [--home DIR | --url URL] [--token T]\n" +
    "       sealfarm sectors unseal --list [--state Set|Assigned|Finished|Failed] [--json] [...]\n" +
    "  --dest  file:///ABS/PATH, http(s)://…, store:///PIECE_CID (default) or store://STORE/PATH",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS, "miner", "sector", "dest", "state"], ["list", "json"]);
    if (args.flags.has("list")) {
      if (args.positionals.length > 0) throw new UsageError("--list takes no PIECE_CID");
      const stateText = flag(args, "state");
      const state = stateText === undefined ? null : parseUnsealState(stateText);
      if (state === undefined)
        throw new UsageError(`--state: expected Set, Assigned, Finished or Failed, got ${JSON.stringify(stateText)}`);
      printAnswer(io, args, await withManager(args, (c) => c.callVenus("ListUnsealTasks", [state])), renderUnsealTasks);
      return 0;
    }
    const [cid] = args.positionals;
    if (cid === undefined || args.positionals.length !== 1) throw new UsageError("expected one PIECE_CID (or --list)");
    if (args.flags.has("state")) throw new UsageError("--state goes with --list");
    const miner = flag(args, "miner");
    const sector = flag(args, "sector");
    if ((miner === undefined) !== (sector === undefined)) throw new UsageError("--miner and --sector go together");
    const sid =
      miner === undefined || sector === undefined
        ? null
        : { Miner: parseMinerActor(miner, "--miner"), Number: parseUint(sector, "--sector") };
    const dest = flag(args, "dest");
    const task = await withManager(args, (client) =>
      client.callVenus("SectorSetForUnseal", [
        { PieceCid: { "/": cid }, Sector: sid, Dest: dest === undefined ? null : [dest] },
      ]),
    );
    printAnswer(
      io,
      args,
      task,
      (t) =>
        `unseal of ${cid} queued: s-t0${t.Sector.Miner}-${t.Sector.Number} offset ${t.Offset} size ${t.Size} -> ${t.Dest.join(" ")}`,
    );
    return 0;
  },
};
