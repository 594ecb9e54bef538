// `sealfarm devnet run --dir DIR`: the devnet chain as its own process, serving the Lotus v1 API subset sealfarm
// uses at http://HOST:PORT/rpc/v1, until SIGINT/SIGTERM. Its state lives in DIR and survives kill -9.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sealProofByName } from "../../../components/core/proofs/registered-proofs.js";
import { parseDurationMs } from "../../../components/core/units/duration.js";
import { startDevnetServer } from "../../manager/chain/devnet-server/devnet-server.js";
import type { DevnetSettings } from "../../manager/chain/devnet-server/devnet-state.js";
import { parseListen } from "../../manager/config/manager-config.js";
import { resolveProofsBin } from "../../manager/proofs/proofs-binary.js";
import { parseArgs, requiredFlag } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { untilStopSignal } from "../stop-signal.js";

export const devnetRun: Command = {
  path: ["devnet", "run"],
  summary: "run the devnet chain as a Lotus v1 API server (its own process)",
  usage: [
    "usage: sealfarm devnet run --dir DIR [--listen 127.0.0.1:1234] [--token-file FILE] [--block-time 1s]",
    "                           [--proving-period 40] [--deadlines 4] [--precommit-challenge-delay 10]",
    "                           [--miners 1000,1001:StackedDrg32GiBV1_1] [--seal-proof StackedDrg2KiBV1_1]",
    "                           [--test-hooks]",
    "",
    "Serves POST /rpc/v1 until SIGINT or SIGTERM; prints `listening on URL` once ready. The chain settings (the",
    "manager's [chain] table) are fixed at genesis (the first start in DIR): a later start may repeat them or leave",
    "them out, and is refused if it asks for other values. Each miner seals with --seal-proof unless it names its",
    "own (ACTOR:PROOF); a miner new to DIR's chain is added. --test-hooks serves the Filecoin.Devnet* methods that make",
    "the chain misbehave (HTTP errors, hangs, dropped messages, reorgs, a held clock): for tests only.",
  ].join("\n"),
  async run(argv, io) {
    const args = parseArgs(
      argv,
      [
        "dir",
        "listen",
        "token-file",
        "block-time",
        "proving-period",
        "deadlines",
        "precommit-challenge-delay",
        "miners",
        "seal-proof",
      ],
      ["test-hooks"],
    );
    const dir = requiredFlag(args, "dir", "DIR");
    const listen = parseListen(String(args.flags.get("listen") ?? "127.0.0.1:1234"));
    const proofOf = (flag: string, name: string) => {
      const proof = sealProofByName(name);
      if (proof === undefined) throw new UsageError(`${flag}: unknown seal proof ${JSON.stringify(name)}`);
      return proof.id;
    };
    const defaultProof = proofOf("--seal-proof", String(args.flags.get("seal-proof") ?? "StackedDrg2KiBV1_1"));
    const miners = String(args.flags.get("miners") ?? "1000")
      .split(",")
      .map((m) => {
        const [, actor, proof] = /^([0-9]+)(?::(\S+))?$/.exec(m) ?? [];
        if (actor === undefined)
          throw new UsageError(
            `--miners: expected actor IDs like 1000,1001:StackedDrg32GiBV1_1, got ${JSON.stringify(m)}`,
          );
        return { actor: Number(actor), sealProof: proof === undefined ? defaultProof : proofOf("--miners", proof) };
      });
    const settings: Partial<DevnetSettings> = {};
    const blockTime = args.flags.get("block-time");
    if (typeof blockTime === "string") settings.blockTimeMs = parseDurationMs(blockTime);
    for (const [flag, key] of [
      ["proving-period", "provingPeriod"],
      ["deadlines", "deadlines"],
      ["precommit-challenge-delay", "precommitChallengeDelay"],
    ] as const) {
      const v = args.flags.get(flag);
      if (v === undefined) continue;
      if (typeof v !== "string" || !/^[0-9]+$/.test(v))
        throw new UsageError(`--${flag}: expected a whole number of epochs, got ${JSON.stringify(v)}`);
      settings[key] = Number(v);
    }
    const tokenFile = args.flags.get("token-file");
    const token = typeof tokenFile === "string" ? readFileSync(tokenFile, "utf8").trim() : undefined;
    const server = await startDevnetServer({
      dir: resolve(dir),
      host: listen.host,
      port: listen.port,
      proofsBin: resolveProofsBin(""),
      miners,
      token,
      settings,
      testHooks: args.flags.get("test-hooks") === true,
    });
    io.out(`sealfarm devnet: listening on ${server.url}`);
    await untilStopSignal();
    await server.close();
    io.out("sealfarm devnet: stopped");
    return 0;
  },
};
