// `sealfarm worker token create --config worker.toml --perm write`: a token for the worker's own RPC (pause,
// resume, env calls from outside `[sealfarm.rpc] trusted`), signed with `[sealfarm.rpc] secret_file` (created on
// first use). Replacing that file revokes every token at the worker's next request.
import { resolve } from "node:path";
import { createToken } from "../../../components/core/auth/tokens.js";
import { ConfigError } from "../../../components/core/config/config-error.js";
import { loadOrCreateSecret } from "../../shared/auth/secret-file.js";
import { loadWorkerConfig } from "../../worker/config/load-worker-config.js";
import { defaultProofsBin } from "../../worker/default-bin.js";
import { flag, parseArgs } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { tokenArgs } from "./manager-token-create.js";

export const workerTokenCreate: Command = {
  path: ["worker", "token", "create"],
  summary: "print an API token for a worker's RPC ([sealfarm.rpc] secret_file)",
  usage: "usage: sealfarm worker token create --config FILE [--perm read|write|admin] [--ttl 90d]",
  async run(argv, io) {
    const args = parseArgs(argv, ["config", "perm", "ttl"]);
    const file = flag(args, "config");
    if (file === undefined) throw new UsageError("--config FILE is required");
    const { perm, ttlMs } = tokenArgs(args);
    let secretFile: string | undefined;
    try {
      secretFile = loadWorkerConfig(resolve(file), { defaultBin: defaultProofsBin() }).config.security.secretFile;
    } catch (e) {
      if (e instanceof ConfigError) {
        io.err(e.message);
        return 1;
      }
      throw e;
    }
    if (secretFile === undefined) {
      io.err(`${resolve(file)}: sealfarm.rpc.secret_file: not set; the worker accepts no tokens without it`);
      return 1;
    }
    io.out(createToken(loadOrCreateSecret(secretFile), perm, { expiresAtMs: Date.now() + ttlMs }));
    return 0;
  },
};
