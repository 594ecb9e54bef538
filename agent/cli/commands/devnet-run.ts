// `sealfarm devnet run --dir DIR`: the devnet chain as its own process, serving the Lotus v1 API subset sealfarm
// uses at http://HOST:PORT/rpc/v1, until SIGINT/SIGTERM. Its state lives in DIR and survives kill -9.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { startDevnetServer } from "../../manager/chain/devnet-server/devnet-server.js";
import { parseArgs, requiredFlag } from "../../manager/cli/cli-args.js";
import { parseDurationMs } from "../../manager/config/duration.js";
import { parseListen } from "../../manager/config/manager-config.js";
import { sealProofByName } from "../../manager/proofs/proof-types.js";
import { resolveProofsBin } from "../../manager/proofs/proofs-binary.js";
import { type Command, UsageError } from "../command.js";
import { untilStopSignal } from "../stop-signal.js";

export const devnetRun: Command = {
  path: ["devnet", "run"],
  summary: "run the devnet chain as a Lotus v1 API server (its own process)",
  usage: [
    "usage: sealfarm devnet run --dir DIR [--listen 127.0.0.1:1234] [--token-file FILE]",
    "                           [--block-time 1s] [--miners 1000,1001] [--seal-proof StackedDrg2KiBV1_1]",
    "",
    "Serves POST /rpc/v1 until SIGINT or SIGTERM; prints `listening on URL` once ready. Block time, miners and seal",
    "proof apply at genesis (the first start in DIR); later starts keep them.",
  ].join("\n"),
  async run(argv, io) {
    const args = parseArgs(argv, ["dir", "listen", "token-file", "block-time", "miners", "seal-proof"]);
    const dir = requiredFlag(args, "dir", "DIR");
    const listen = parseListen(String(args.flags.get("listen") ?? "127.0.0.1:1234"));
    const proofName = String(args.flags.get("seal-proof") ?? "StackedDrg2KiBV1_1");
    const proof = sealProofByName(proofName);
    if (proof === undefined) throw new UsageError(`--seal-proof: unknown seal proof ${JSON.stringify(proofName)}`);
    const miners = String(args.flags.get("miners") ?? "1000")
      .split(",")
      .map((m) => {
        if (!/^[0-9]+$/.test(m))
          throw new UsageError(`--miners: expected actor IDs like 1000,1001, got ${JSON.stringify(m)}`);
        return { actor: Number(m), sealProof: proof.id };
      });
    const tokenFile = args.flags.get("token-file");
    const token = typeof tokenFile === "string" ? readFileSync(tokenFile, "utf8").trim() : undefined;
    const blockTime = args.flags.get("block-time");
    const server = await startDevnetServer({
      dir: resolve(dir),
      host: listen.host,
      port: listen.port,
      proofsBin: resolveProofsBin(""),
      miners,
      token,
      settings: typeof blockTime === "string" ? { blockTimeMs: parseDurationMs(blockTime) } : {},
    });
    io.out(`sealfarm devnet: listening on ${server.url}`);
    await untilStopSignal();
    await server.close();
    io.out("sealfarm devnet: stopped");
    return 0;
  },
};
