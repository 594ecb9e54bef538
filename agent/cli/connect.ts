// How CLI commands reach a running manager: --url/--token (or $SEALFARM_MANAGER_URL/$SEALFARM_TOKEN); else the
// home given by --home/$SEALFARM_MANAGER_HOME; else the `sealfarm dev` farm running from this directory
// (./.sealfarm/dev/running.json); else ~/.sealfarm/manager when it has a manager.toml. A home's manager.toml gives
// the address and, when the secret is readable, a local admin token is minted.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createToken } from "../../components/core/auth/tokens.js";
import { findRunningDevFarm } from "../dev/running-farm.js";
import { configPath, loadManagerConfig } from "../manager/config/load-manager-config.js";
import type { ManagerConfig } from "../manager/config/manager-config.js";
import { loadOrCreateSecret } from "../shared/auth/secret-file.js";
import { createVenusClient, type VenusClient } from "../shared/rpc/venus-client.js";
import { loadTlsPin } from "../shared/tls/pinned-tls.js";
import { flag, type ParsedArgs } from "./cli-args.js";

export const CONNECT_FLAGS = ["home", "url", "token"] as const;

function localToken(config: ManagerConfig, token: string | undefined): string | undefined {
  return (
    token ?? (existsSync(config.secretFile) ? createToken(loadOrCreateSecret(config.secretFile), "admin") : undefined)
  );
}

export function connectManager(args: ParsedArgs): VenusClient {
  const url = flag(args, "url") ?? process.env.SEALFARM_MANAGER_URL;
  const token = flag(args, "token") ?? process.env.SEALFARM_TOKEN;
  // An https:// manager with a self-signed certificate: $SEALFARM_MANAGER_CA (its tls.crt) and, optionally,
  // $SEALFARM_MANAGER_FINGERPRINT pin it, as a worker's [sealfarm.tls] does.
  const tls = loadTlsPin(process.env.SEALFARM_MANAGER_CA, process.env.SEALFARM_MANAGER_FINGERPRINT);
  if (url !== undefined) return createVenusClient({ url, token, tls });
  let home = flag(args, "home") ?? process.env.SEALFARM_MANAGER_HOME;
  if (home === undefined) {
    const dev = findRunningDevFarm();
    if (dev !== undefined)
      return createVenusClient({ url: dev.managerUrl, token: localToken(loadManagerConfig(dev.managerHome), token) });
    home = join(homedir(), ".sealfarm", "manager");
    if (!existsSync(configPath(home)))
      throw new Error(
        `no manager to talk to: no sealfarm dev farm runs from this directory and ${configPath(home)} does not exist; point at one with --url URL or --home DIR (or start \`sealfarm dev --keep\` here)`,
      );
  }
  const config = loadManagerConfig(home);
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "::1" : config.host;
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
  return createVenusClient({ url: base, token: localToken(config, token) });
}
