// Upload destinations of an unsealed piece (reference §3.6), parsed once: `file:///abs/path`, `http(s)://…`,
// `store:///<cid>` (the manager's piece store), `store://<name>/<path>` (an attached store) and damocles'
// `market://<store>/<cid>?host=&scheme=&token=` (a venus-market/droplet piece store). Pure: a malformed or
// unsupported URL is an error naming it, which the handler turns into a permanent failure before anything is
// uploaded.

export type UploadDest =
  | { kind: "file"; path: string }
  | { kind: "http"; url: string }
  /** `store:///<cid>`: PUT to the manager's `/piecestore/<cid>` with the worker's token. */
  | { kind: "piecestore"; cid: string; url: string }
  /** `store://<name>/<path>`: a file inside the attached store named `<name>`. */
  | { kind: "store"; store: string; path: string }
  /**
   * `market://<store>/<cid>?host=<host:port>&scheme=http|https&token=<token>`: PUT to the market's
   * `<scheme>://<host>/resource?resource-id=<cid>&store=<store>` with `Authorization: Bearer <token>`.
   */
  | { kind: "market"; url: string; token: string | undefined };

export type ParsedDest = { ok: true; dest: UploadDest } | { ok: false; error: string };

const supported =
  "file:///<absolute path>, http(s)://…, store:///<piece cid>, store://<store name>/<path> and " +
  "market://<store>/<piece cid>?host=<host>&scheme=http|https&token=<token>";

/** `managerUrl` is the manager's base URL (`http://127.0.0.1:1789`); its path, if any, is replaced. */
export function parseUploadDest(raw: string, managerUrl: string): ParsedDest {
  const bad = (why: string): ParsedDest => ({ ok: false, error: `upload destination ${JSON.stringify(raw)}: ${why}` });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) return bad(`not a URL (expected one of ${supported})`);
  // `..` is checked on the text as given: URL parsing would quietly resolve it.
  let hasDotDot: boolean;
  let u: URL;
  try {
    hasDotDot = decodeURIComponent(raw.replace(/[?#].*$/, ""))
      .split("/")
      .includes("..");
    u = new URL(raw);
  } catch {
    return bad("malformed URL");
  }
  switch (scheme) {
    case "file": {
      if (u.host !== "" && u.host !== "localhost")
        return bad(`file:// URLs name no host, got ${JSON.stringify(u.host)}`);
      const path = decodeURIComponent(u.pathname);
      if (!path.startsWith("/") || path.endsWith("/")) return bad("expected file:///<absolute path of a file>");
      if (hasDotDot) return bad("the path may not contain ..");
      return { ok: true, dest: { kind: "file", path } };
    }
    case "http":
    case "https":
      if (u.hostname === "") return bad("no host");
      return { ok: true, dest: { kind: "http", url: u.href } };
    case "store": {
      const rest = decodeURIComponent(u.pathname.replace(/^\//, ""));
      if (u.host === "") {
        if (rest === "" || rest.includes("/")) return bad("expected store:///<piece cid>");
        let base: URL;
        try {
          base = new URL(/^[a-z]+:\/\//i.test(managerUrl) ? managerUrl : `http://${managerUrl}`);
        } catch {
          return bad(`the manager URL ${JSON.stringify(managerUrl)} is malformed`);
        }
        base.pathname = `/piecestore/${encodeURIComponent(rest)}`;
        base.search = "";
        base.hash = "";
        return { ok: true, dest: { kind: "piecestore", cid: rest, url: base.href } };
      }
      if (rest === "" || rest.endsWith("/") || hasDotDot)
        return bad("expected store://<store name>/<relative path of a file>, without ..");
      return { ok: true, dest: { kind: "store", store: u.host, path: rest } };
    }
    case "market": {
      const cid = decodeURIComponent(u.pathname.replace(/^\//, ""));
      if (u.host === "" || cid === "" || cid.includes("/"))
        return bad("expected market://<market store>/<piece cid>?host=<host>&scheme=http|https&token=<token>");
      const host = u.searchParams.get("host") ?? "";
      if (host === "" || /[/?#@\s]/.test(host))
        return bad("the query must name the market's host (host=<host[:port]>)");
      const s = u.searchParams.get("scheme") ?? "http";
      if (s !== "http" && s !== "https") return bad(`scheme=${JSON.stringify(s)}: expected http or https`);
      const target = new URL(`${s}://${host}/resource`);
      target.searchParams.set("resource-id", cid);
      target.searchParams.set("store", decodeURIComponent(u.host));
      const token = u.searchParams.get("token") ?? undefined;
      return { ok: true, dest: { kind: "market", url: target.href, token: token === "" ? undefined : token } };
    }
    default:
      return bad(`${scheme}:// is not supported (use ${supported})`);
  }
}
