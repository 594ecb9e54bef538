// `sealfarm worker token create --config worker.toml --perm write`: a token for the worker's own RPC (pause,
// resume, env calls from outside `[sealfarm.rpc] trusted`), signed with `[sealfarm.rpc] secret_file` (created on
// first use). Replacing that file revokes every token at the worker's next request.
import { parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { loadWorkerConfigFlag } from "../worker-config-flag.js";
import { signToken, tokenArgs } from "./manager-token-create.js";

export const workerTokenCreate: Command = {
  path: ["worker", "token", "create"],
  summary: "print an API token for a worker's RPC ([sealfarm.rpc] secret_file)",
  usage: "usage: sealfarm worker token create --config FILE [--perm read|write|admin] [--ttl 90d]",
  async run(argv, io) {
    const args = parseArgs(argv, ["config", "perm", "ttl"]);
    const request = tokenArgs(args);
    const loaded = loadWorkerConfigFlag(args, (e) => io.err(e.message));
    if (loaded === undefined) return 1;
    const secretFile = loaded.config.security.secretFile;
    if (secretFile === undefined) {
      io.err(`${loaded.config.file}: sealfarm.rpc.secret_file: not set; the worker accepts no tokens without it`);
      return 1;
    }
    io.out(signToken(secretFile, request));
    return 0;
  },
};
