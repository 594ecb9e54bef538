// Which chain the manager reaches, from manager.toml's [chain] table, for the switch to the Lotus API (issue #17):
//   [chain] kind = "devnet" (the default: the manager starts the devnet and reaches it over the same API), or
//   [chain] url = "http://10.0.0.5:1234/rpc/v1" (http, https, ws, wss) with token_file = "lotus.token" or
//           token_env = "LOTUS_TOKEN", or api_info_env = "FULLNODE_API_INFO" (Lotus' "TOKEN:/ip4/…/tcp/1234/http").
// Every problem is reported at once, naming the file and the key. manager-config.ts calls it with the [chain] table.
import { isAbsolute, join } from "node:path";
import type { ConfigProblem } from "../../../components/core/config/config-error.js";
import { ApiInfoError, endpointFromUrl, parseApiInfo } from "./lotus/api-info.js";

export type TokenSource = { file: string } | { env: string } | { none: true };

export type ChainTarget =
  | { kind: "devnet" }
  | { kind: "lotus"; url: string; token: TokenSource }
  | { kind: "lotus-api-info"; env: string };

const LOTUS_KEYS = ["url", "token_file", "token_env", "api_info_env"];

/**
 * `table` is the [chain] table after the schema (schemas/manager.schema.json), which owns its keys and refuses an
 * unknown one; the devnet's keys such as block_time are ignored here.
 */
export function parseChainTarget(
  table: Record<string, unknown>,
  file: string,
  home: string,
): { target: ChainTarget; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const flag = (key: string, message: string) => problems.push({ file, pointer: `/chain/${key}`, message });
  const str = (key: string): string | undefined => {
    const v = table[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") {
      flag(key, `expected a non-empty string, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  };
  const kind = str("kind");
  const url = str("url");
  const tokenFile = str("token_file");
  const tokenEnv = str("token_env");
  const apiInfoEnv = str("api_info_env");
  const lotusKeys = LOTUS_KEYS.filter((k) => table[k] !== undefined);
  if (kind !== undefined && kind !== "devnet" && kind !== "lotus")
    flag("kind", `expected "devnet" or "lotus", got ${JSON.stringify(kind)}`);
  if (kind === "devnet" && lotusKeys.length > 0)
    flag(lotusKeys[0] ?? "url", `not used with kind = "devnet" (remove it, or set kind = "lotus")`);
  const lotus = kind === "lotus" || (kind === undefined && lotusKeys.length > 0);
  if (!lotus) return { target: { kind: "devnet" }, problems };
  if (tokenFile !== undefined && tokenEnv !== undefined)
    flag("token_env", `give the token once: token_file or token_env, not both`);
  if (apiInfoEnv !== undefined) {
    if (url !== undefined || tokenFile !== undefined || tokenEnv !== undefined)
      flag("api_info_env", `api_info_env carries the URL and the token; remove url, token_file and token_env`);
    return { target: { kind: "lotus-api-info", env: apiInfoEnv }, problems };
  }
  if (url === undefined) {
    if (table.url === undefined)
      flag("url", `required for a Lotus node, e.g. "http://127.0.0.1:1234/rpc/v1" (or set api_info_env)`);
    return { target: { kind: "devnet" }, problems };
  }
  let endpoint = url;
  try {
    endpoint = endpointFromUrl(url);
  } catch (error) {
    if (!(error instanceof ApiInfoError)) throw error;
    flag("url", `${error.message}`);
  }
  const token: TokenSource =
    tokenFile !== undefined
      ? { file: isAbsolute(tokenFile) ? tokenFile : join(home, tokenFile) }
      : tokenEnv !== undefined
        ? { env: tokenEnv }
        : { none: true };
  return { target: { kind: "lotus", url: endpoint, token }, problems };
}

/** The URL and token to connect with. Reads the token file or the environment; errors name the source, never the token. */
export function resolveLotusEndpoint(
  target: Exclude<ChainTarget, { kind: "devnet" }>,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string,
): { url: string; token: string | undefined } {
  if (target.kind === "lotus-api-info") {
    const info = env[target.env];
    if (info === undefined || info === "") throw new ApiInfoError(`$${target.env} is not set (chain.api_info_env)`);
    try {
      return parseApiInfo(info);
    } catch (error) {
      // The value holds the token: say what is wrong with its shape only.
      throw new ApiInfoError(
        `$${target.env}: ${(error as Error).message.replace(/got an address .*$/, "got something else")}`,
      );
    }
  }
  const t = target.token;
  if ("none" in t) return { url: target.url, token: undefined };
  if ("env" in t) {
    const v = env[t.env];
    if (v === undefined || v.trim() === "") throw new ApiInfoError(`$${t.env} is not set (chain.token_env)`);
    return { url: target.url, token: v.trim() };
  }
  let text: string;
  try {
    text = readFile(t.file);
  } catch (error) {
    throw new ApiInfoError(`chain.token_file ${t.file}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  if (text.trim() === "") throw new ApiInfoError(`chain.token_file ${t.file}: empty`);
  return { url: target.url, token: text.trim() };
}
