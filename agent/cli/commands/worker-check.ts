// `sealfarm worker check --config worker.toml [--json]`: validates a damocles worker config without starting
// anything and prints what it means (threads, processors per stage, stores, the name and Dest the worker would
// report). Exit 0 when the worker would start with it, 1 when it would not, 2 on a usage mistake.
import { execFileSync } from "node:child_process";
import { totalmem } from "node:os";
import { formatProblem } from "../../../components/core/config/config-error.js";
import { describeWorkerConfig, renderWorkerFacts } from "../../worker/config/describe-worker-config.js";
import { localAddressToward, workerIdentity } from "../../worker/config/worker-identity.js";
import { defaultProofsBin } from "../../worker/default-bin.js";
import { parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { loadWorkerConfigFlag } from "../worker-config-flag.js";

/** The stages the bundled binary serves, as it lists them (`sealfarm-proofs stages --json`); none if it cannot run. */
function bundledStages(bin: string): string[] {
  try {
    const out = execFileSync(bin, ["stages", "--json"], { encoding: "utf8", timeout: 10_000 });
    const names: unknown = JSON.parse(out);
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
  } catch {
    return [];
  }
}

export const workerCheck: Command = {
  path: ["worker", "check"],
  summary: "validate a worker config and print what it means (threads, processors, stores, name, Dest)",
  usage: [
    "usage: sealfarm worker check --config FILE [--json]",
    "",
    "FILE is damocles-worker's TOML. Nothing is started; the manager is contacted once (a TCP connect) to learn the",
    "local address the worker would report as its name and Dest. Exit 0 if the worker would start, 1 if not.",
  ].join("\n"),
  async run(argv, io) {
    const args = parseArgs(argv, ["config"], ["json"]);
    const json = args.flags.has("json");
    const bin = defaultProofsBin();
    const loaded = loadWorkerConfigFlag(
      args,
      (e, file) =>
        json
          ? io.out(
              JSON.stringify({ file, ok: false, problems: e.problems.map((p) => formatProblem(p, false)) }, null, 2),
            )
          : io.err(e.message),
      bin,
    );
    if (loaded === undefined) return 1;
    const c = loaded.config;
    let identity: Parameters<typeof describeWorkerConfig>[0]["identity"] | undefined;
    let localAddress: string | undefined;
    try {
      localAddress = await localAddressToward(c.sectorManager.url, 3000);
    } catch (e) {
      identity = { error: (e as Error).message, unreachable: true };
    }
    if (localAddress !== undefined) {
      try {
        identity = workerIdentity({
          configuredName: c.worker.name,
          rpcHost: c.worker.rpcHost,
          rpcPort: c.worker.rpcPort,
          localAddress,
          managerUrl: c.sectorManager.url,
          file: c.file,
        });
      } catch (e) {
        identity = { error: (e as Error).message, unreachable: false };
      }
    }
    const facts = describeWorkerConfig({
      config: c,
      warnings: loaded.warnings,
      identity: identity ?? { error: "no identity", unreachable: true },
      bundled: { bin, stages: bundledStages(bin) },
      hostRamBytes: totalmem(),
    });
    io.out(json ? JSON.stringify(facts, null, 2) : renderWorkerFacts(facts));
    return facts.ok ? 0 : 1;
  },
};
