// `sealfarm manager token create --perm read|write|admin`: prints an API token signed with the home's secret.
import { resolve } from "node:path";
import { createToken, loadOrCreateSecret } from "../../manager/auth/tokens.js";
import { flag, managerHome, parseArgs } from "../../manager/cli/cli-args.js";
import { loadManagerConfig } from "../../manager/config/load-manager-config.js";
import { type Command, UsageError } from "../command.js";

export const managerTokenCreate: Command = {
  path: ["manager", "token", "create"],
  summary: "print an API token (read, write or admin) for the manager",
  usage: "usage: sealfarm manager token create --perm read|write|admin [--home DIR]",
  async run(argv, io) {
    const args = parseArgs(argv, ["home", "perm"]);
    const perm = flag(args, "perm") ?? "write";
    if (perm !== "read" && perm !== "write" && perm !== "admin")
      throw new UsageError(`--perm: expected one of "read", "write", "admin", got ${JSON.stringify(perm)}`);
    const config = loadManagerConfig(resolve(managerHome(args)));
    io.out(createToken(loadOrCreateSecret(config.secretFile), perm));
    return 0;
  },
};
