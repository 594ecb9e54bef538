// `sealfarm worker run --config worker.toml`: loads and validates the worker TOML, starts the agent, serves until
// SIGINT/SIGTERM, then stops cleanly (running processor tasks are cut; each sector resumes at its recorded state).

import { defaultProofsBin } from "../../worker/default-bin.js";
import { WorkerAgent } from "../../worker/worker-agent.js";
import { parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { untilStopSignal } from "../stop-signal.js";
import { loadWorkerConfigFlag } from "../worker-config-flag.js";

export const workerRun: Command = {
  path: ["worker", "run"],
  summary: "run the worker agent (sealing threads, processors, worker RPC)",
  usage: [
    "usage: sealfarm worker run --config FILE",
    "",
    "FILE is damocles-worker's TOML ([sector_manager], [[sealing_thread]], [[attached]], [processors] ...).",
    "Serves VenusWorker.* JSON-RPC and /metrics at [worker] rpc_server (default 0.0.0.0:17890, as damocles) until SIGINT/SIGTERM.",
  ].join("\n"),
  async run(argv, io) {
    const args = parseArgs(argv, ["config"]);
    const loaded = loadWorkerConfigFlag(args, (e) => io.err(e.message));
    if (loaded === undefined) return 1;
    for (const w of loaded.warnings) io.err(`warning: ${w}`);
    const agent = await WorkerAgent.start({
      config: loaded.config,
      defaultBin: defaultProofsBin(),
      log: (l) => io.err(l),
    });
    io.out(`sealfarm worker: ${agent.instance} running ${agent.threads.length} threads, RPC at ${agent.rpcUrl}`);
    await untilStopSignal();
    io.err("sealfarm worker: stopping");
    await agent.stop();
    io.out("sealfarm worker: stopped");
    return 0;
  },
};
