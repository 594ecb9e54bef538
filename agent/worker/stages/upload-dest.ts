// Upload destinations of an unsealed piece (reference §3.6), parsed once: `file:///abs/path`, `http(s)://…`,
// `store:///<cid>` (the manager's piece store) and `store://<name>/<path>` (an attached store). damocles'
// `market://` is not supported. Pure: a malformed or unsupported URL is an error naming it, which the handler
// turns into a permanent failure before anything is uploaded.

export type UploadDest =
  | { kind: "file"; path: string }
  | { kind: "http"; url: string }
  /** `store:///<cid>`: PUT to the manager's `/piecestore/<cid>` with the worker's token. */
  | { kind: "piecestore"; cid: string; url: string }
  /** `store://<name>/<path>`: a file inside the attached store named `<name>`. */
  | { kind: "store"; store: string; path: string };

export type ParsedDest = { ok: true; dest: UploadDest } | { ok: false; error: string };

const supported = "file:///<absolute path>, http(s)://…, store:///<piece cid> and store://<store name>/<path>";

/** `managerUrl` is the manager's base URL (`http://127.0.0.1:1789`); its path, if any, is replaced. */
export function parseUploadDest(raw: string, managerUrl: string): ParsedDest {
  const bad = (why: string): ParsedDest => ({ ok: false, error: `upload destination ${JSON.stringify(raw)}: ${why}` });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) return bad(`not a URL (expected one of ${supported})`);
  if (scheme === "market") return bad(`market:// is not supported by this worker (use ${supported})`);
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
    default:
      return bad(`${scheme}:// is not supported (use ${supported})`);
  }
}
