// `sealfarm worker list [--json] [--url URL]`: the worker's threads as `VenusWorker.WorkerList` reports them.
import { flag, parseArgs } from "../../manager/cli/cli-args.js";
import { renderThreadTable } from "../../worker/rpc/render-thread-table.js";
import { callWorker } from "../../worker/rpc/worker-rpc.js";
import type { ThreadListEntry } from "../../worker/thread/thread-status.js";
import type { Command } from "../command.js";

export const defaultWorkerUrl = "http://127.0.0.1:17890";

export const workerList: Command = {
  path: ["worker", "list"],
  summary: "list a worker's sealing threads (state, sector, stage, last error)",
  usage: `usage: sealfarm worker list [--json] [--url URL]\n\nURL is the worker's RPC address (default ${defaultWorkerUrl}, or $SEALFARM_WORKER_URL).`,
  async run(argv, io) {
    const args = parseArgs(argv, ["url"], ["json"]);
    const url = flag(args, "url") ?? process.env.SEALFARM_WORKER_URL ?? defaultWorkerUrl;
    const threads = (await callWorker(url, "VenusWorker.WorkerList", [])) as ThreadListEntry[];
    io.out(args.flags.has("json") ? JSON.stringify(threads, null, 2) : renderThreadTable(threads));
    return 0;
  },
};
