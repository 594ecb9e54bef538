// `sealfarm worker list [--json] [--url URL]`: the worker's threads as `VenusWorker.WorkerList` reports them.

import { renderThreadTable } from "../../worker/rpc/render-thread-table.js";
import { callWorker } from "../../worker/rpc/worker-rpc.js";
import type { ThreadListEntry } from "../../worker/thread/thread-status.js";
import { flag, parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { WORKER_URL_HELP, workerUrl } from "../worker-url.js";

export const workerList: Command = {
  path: ["worker", "list"],
  summary: "list a worker's sealing threads (state, sector, stage, last error)",
  usage: `usage: sealfarm worker list [--json] [--url URL]\n\n${WORKER_URL_HELP}`,
  async run(argv, io) {
    const args = parseArgs(argv, ["url"], ["json"]);
    const url = workerUrl(flag(args, "url"));
    const threads = (await callWorker(url, "VenusWorker.WorkerList", [])) as ThreadListEntry[];
    io.out(args.flags.has("json") ? JSON.stringify(threads, null, 2) : renderThreadTable(threads));
    return 0;
  },
};
