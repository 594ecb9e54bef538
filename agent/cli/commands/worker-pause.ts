// `sealfarm worker pause --index N`: pause a thread at its next check (a running processor task finishes first).
import { flag, parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { callWorkerThread } from "../worker-url.js";

export const workerPause: Command = {
  path: ["worker", "pause"],
  summary: "pause a sealing thread",
  usage: "usage: sealfarm worker pause --index N [--url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, ["url", "token", "index"]);
    if (!(await callWorkerThread(args, "VenusWorker.WorkerPause"))) {
      io.err(`thread ${flag(args, "index")}: not paused (no such thread, or a pause is already pending)`);
      return 1;
    }
    io.out(`thread ${flag(args, "index")}: pause requested`);
    return 0;
  },
};
