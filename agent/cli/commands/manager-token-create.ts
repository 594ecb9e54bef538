// `sealfarm manager token create --perm read|write|admin [--ttl 90d]`: prints an API token signed with the home's
// secret, valid for --ttl. `sealfarm manager token rotate` replaces the secret: every token issued so far stops
// working at the running manager's next request.
import { resolve } from "node:path";
import { createToken, type Permission } from "../../../components/core/auth/tokens.js";
import { loadManagerConfig } from "../../manager/config/load-manager-config.js";
import { loadOrCreateSecret, rotateSecret } from "../../shared/auth/secret-file.js";
import { flag, managerHome, type ParsedArgs, parseArgs } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";

/** What a token command asks for: a permission and a lifetime. */
export interface TokenRequest {
  perm: Permission;
  ttlMs: number;
}

/** `--perm` and `--ttl` of a token command, checked. A ttl is a number with d, h or m. */
export function tokenArgs(args: ParsedArgs): TokenRequest {
  const perm = flag(args, "perm") ?? "write";
  if (perm !== "read" && perm !== "write" && perm !== "admin")
    throw new UsageError(`--perm: expected one of "read", "write", "admin", got ${JSON.stringify(perm)}`);
  const ttl = flag(args, "ttl") ?? "90d";
  const m = /^([1-9][0-9]{0,5})(d|h|m)$/.exec(ttl);
  if (m === null)
    throw new UsageError(`--ttl: expected a lifetime like "90d", "12h" or "30m", got ${JSON.stringify(ttl)}`);
  const unit = m[2] === "d" ? 86_400_000 : m[2] === "h" ? 3_600_000 : 60_000;
  return { perm, ttlMs: Number(m[1]) * unit };
}

/** The requested token, signed with the secret in `secretFile` (created on first use), valid from now. */
export function signToken(secretFile: string, request: TokenRequest): string {
  return createToken(loadOrCreateSecret(secretFile), request.perm, { expiresAtMs: Date.now() + request.ttlMs });
}

export const managerTokenCreate: Command = {
  path: ["manager", "token", "create"],
  summary: "print an API token (read, write or admin) for the manager",
  usage: "usage: sealfarm manager token create --perm read|write|admin [--ttl 90d] [--home DIR]",
  async run(argv, io) {
    const args = parseArgs(argv, ["home", "perm", "ttl"]);
    const request = tokenArgs(args);
    io.out(signToken(loadManagerConfig(resolve(managerHome(args))).secretFile, request));
    return 0;
  },
};

export const managerTokenRotate: Command = {
  path: ["manager", "token", "rotate"],
  summary: "replace the token secret: every token issued so far is revoked",
  usage:
    "usage: sealfarm manager token rotate [--home DIR]\n\nThe running manager notices the new secret at its next request.",
  async run(argv, io) {
    const args = parseArgs(argv, ["home"]);
    const config = loadManagerConfig(resolve(managerHome(args)));
    rotateSecret(config.secretFile);
    io.out(`${config.secretFile}: new secret; every earlier token is revoked (workers need new tokens)`);
    return 0;
  },
};
