// `sealfarm worker pause --index N`: pause a thread at its next check (a running processor task finishes first).

import { callWorker } from "../../worker/rpc/worker-rpc.js";
import { flag, parseArgs, parseUint } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { workerUrl } from "../worker-url.js";

export const workerPause: Command = {
  path: ["worker", "pause"],
  summary: "pause a sealing thread",
  usage: "usage: sealfarm worker pause --index N [--url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, ["url", "token", "index"]);
    const index = flag(args, "index");
    if (index === undefined) throw new UsageError("--index N is required");
    const url = workerUrl(flag(args, "url"));
    const ok = await callWorker(url, "VenusWorker.WorkerPause", [parseUint(index, "--index")], {
      token: flag(args, "token") ?? process.env.SEALFARM_WORKER_TOKEN,
    });
    if (ok !== true) {
      io.err(`thread ${index}: not paused (no such thread, or a pause is already pending)`);
      return 1;
    }
    io.out(`thread ${index}: pause requested`);
    return 0;
  },
};
