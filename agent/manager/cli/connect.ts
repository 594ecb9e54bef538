// How CLI commands reach a running manager: --url/--token (or $SEALFARM_MANAGER_URL/$SEALFARM_TOKEN); otherwise
// the home's manager.toml gives the address and, when the secret is readable, a local admin token is minted.
import { existsSync } from "node:fs";
import { createToken, loadOrCreateSecret } from "../../shared/auth/tokens.js";
import { createVenusClient, type VenusClient } from "../../shared/rpc/venus-client.js";
import { loadTlsPin } from "../../shared/tls/pinned-tls.js";
import { loadManagerConfig } from "../config/load-manager-config.js";
import { flag, managerHome, type ParsedArgs } from "./cli-args.js";

export const CONNECT_FLAGS = ["home", "url", "token"] as const;

export function connectManager(args: ParsedArgs): VenusClient {
  const url = flag(args, "url") ?? process.env.SEALFARM_MANAGER_URL;
  const token = flag(args, "token") ?? process.env.SEALFARM_TOKEN;
  // An https:// manager with a self-signed certificate: $SEALFARM_MANAGER_CA (its tls.crt) and, optionally,
  // $SEALFARM_MANAGER_FINGERPRINT pin it, as a worker's [sealfarm.tls] does.
  const tls = loadTlsPin(process.env.SEALFARM_MANAGER_CA, process.env.SEALFARM_MANAGER_FINGERPRINT);
  if (url !== undefined) return createVenusClient({ url, token, tls });
  const config = loadManagerConfig(managerHome(args));
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "::1" : config.host;
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
  const local =
    token ?? (existsSync(config.secretFile) ? createToken(loadOrCreateSecret(config.secretFile), "admin") : undefined);
  return createVenusClient({ url: base, token: local });
}
