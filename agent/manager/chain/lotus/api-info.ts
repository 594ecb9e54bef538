// Where the Lotus node is: a URL ("http://10.0.0.5:1234/rpc/v1", ws:// or wss:// too) or Lotus' own
// FULLNODE_API_INFO form "TOKEN:/ip4/10.0.0.5/tcp/1234/http", which `lotus auth api-info --perm write` prints. Pure.

export interface LotusEndpoint {
  /** The HTTP(S) URL of the v1 JSON-RPC endpoint (ws:// is read as http://: this client posts each call). */
  url: string;
  token: string | undefined;
}

export class ApiInfoError extends Error {
  override name = "ApiInfoError";
}

export function endpointFromUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new ApiInfoError(`expected a URL like "http://127.0.0.1:1234/rpc/v1", got ${JSON.stringify(text)}`);
  }
  const scheme = { "http:": "http:", "https:": "https:", "ws:": "http:", "wss:": "https:" }[u.protocol];
  if (scheme === undefined)
    throw new ApiInfoError(`expected an http, https, ws or wss URL, got ${JSON.stringify(u.protocol.slice(0, -1))}`);
  if (u.username !== "" || u.password !== "")
    throw new ApiInfoError("the URL must not carry credentials: give the token through token_file or token_env");
  u.protocol = scheme;
  if (u.pathname === "/" || u.pathname === "") u.pathname = "/rpc/v1";
  return u.toString();
}

/** Parses "TOKEN:/ip4/1.2.3.4/tcp/1234/http" (or /ip6/, /dns/, /dns4/, /dns6/; /http or /https; no token part). */
export function parseApiInfo(text: string): LotusEndpoint {
  if (/^[a-z]+:\/\//i.test(text)) return { url: endpointFromUrl(text), token: undefined };
  const m = /^([^:/]+):(.*)$/.exec(text);
  const token = m?.[1];
  const addr = m?.[2] ?? text;
  if (/^[a-z]+:\/\//i.test(addr)) return { url: endpointFromUrl(addr), token };
  const parts = addr.split("/");
  const [empty, hostKind, host, tcp, port, scheme] = parts;
  if (
    empty !== "" ||
    !["ip4", "ip6", "dns", "dns4", "dns6"].includes(hostKind ?? "") ||
    !host ||
    tcp !== "tcp" ||
    !/^[0-9]{1,5}$/.test(port ?? "") ||
    parts.length > 6 ||
    (scheme !== undefined && scheme !== "http" && scheme !== "https")
  )
    throw new ApiInfoError(
      `expected FULLNODE_API_INFO like "TOKEN:/ip4/127.0.0.1/tcp/1234/http", got an address ${JSON.stringify(addr)}`,
    );
  const h = hostKind === "ip6" ? `[${host}]` : host;
  return { url: `${scheme ?? "http"}://${h}:${port}/rpc/v1`, token };
}
