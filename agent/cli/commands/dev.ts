// `sealfarm dev` (what `npm start` runs): the whole farm on this machine with embedded defaults. Seals N sectors
// end to end with the real proof binary, waits for a WindowPoSt to verify, exits 0 only then. Ctrl-C stops
// cleanly; running it again with the same options continues from ./.sealfarm/dev. --keep leaves the farm running.
import { resolve } from "node:path";
import { parseSectorSize } from "../../../components/core/proofs/registered-proofs.js";
import { runDev } from "../../dev/run-dev.js";
import { DEV_DIR } from "../../dev/running-farm.js";
import { flag, parseArgs, parseUint } from "../cli-args.js";
import { cliInvocation } from "../cli-invocation.js";
import { type Command, UsageError } from "../command.js";

export const dev: Command = {
  path: ["dev"],
  summary: "run a whole farm on this machine and seal sectors end to end (npm start)",
  usage: [
    "usage: sealfarm dev [--sectors N] [--sector-size 2KiB|8MiB|512MiB] [--threads T] [--dir DIR] [--snapup] [--keep] [--fresh] [--json]",
    "",
    "Starts a manager (SQLite, devnet with short delays) and a worker (T sealing threads + a PoSt thread) under",
    "DIR (default ./.sealfarm/dev), imports a small deal, seals N sectors (default 4 of 2KiB, 3 threads) with the",
    "real sealfarm-proofs, and waits for a WindowPoSt to verify. Exit 0 only then. Ctrl-C stops; run again to continue.",
    "DIR records the options its farm was made with: other options are refused with what differs.",
    "",
    "  --keep   after the proofs verify, keep the manager and worker running until Ctrl-C, and print the commands",
    "           (sectors list/show, workers list, worker list, /metrics) that work against them",
    "  --fresh  delete the farm in DIR first and start over with these options",
    "  --snapup seal the N sectors as CC, then upgrade one with the deal (SnapUp) and wait for a WindowPoSt over it",
    "  --json   print the final summary as one JSON object instead of the live view and table",
  ].join("\n"),
  async run(argv, io) {
    const args = parseArgs(argv, ["sectors", "sector-size", "threads", "dir"], ["json", "keep", "fresh", "snapup"]);
    const sectors = parseUint(flag(args, "sectors") ?? "4", "--sectors");
    const threads = parseUint(flag(args, "threads") ?? "3", "--threads");
    if (sectors < 1) throw new UsageError("--sectors: expected at least 1");
    if (threads < 1) throw new UsageError("--threads: expected at least 1");
    const sectorSize = flag(args, "sector-size") ?? "2KiB";
    try {
      parseSectorSize(sectorSize);
    } catch (e) {
      throw new UsageError(`--sector-size: ${(e as Error).message}`);
    }
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    const root = resolve(flag(args, "dir") ?? DEV_DIR);
    try {
      return await runDev(
        {
          root,
          sectors,
          sectorSize,
          threads,
          json: args.flags.has("json"),
          keep: args.flags.has("keep"),
          fresh: args.flags.has("fresh"),
          snapup: args.flags.has("snapup"),
          cli: cliInvocation(process.argv[1] ?? "sealfarm", process.cwd()),
          discoverable: root === resolve(DEV_DIR),
        },
        { ...io, isTTY: process.stdout.isTTY === true, write: (raw) => process.stdout.write(raw) },
        ac.signal,
      );
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  },
};
