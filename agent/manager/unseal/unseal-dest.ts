// Unseal destinations (damocles' planner/unseal.rs) and piece positions. Pure.
//   file:///abs/path        the worker copies the piece to that path on its own host
//   http(s)://host/…        the worker PUTs the piece bytes there
//   store:///<piece_cid>    the worker PUTs to this manager's /piecestore/<piece_cid>
//   store://<name>/<path>   the worker writes into its attached store <name>
//   market://<store>/<cid>?host=&scheme=&token=   the worker PUTs to a venus-market/droplet piece store
import { UnsealState } from "../../shared/rpc/venus-types.js";

const KINDS =
  "file:///ABS/PATH, http(s)://HOST/…, store:///<piece_cid>, store://<store>/<path> or " +
  "market://<store>/<piece_cid>?host=HOST&scheme=http|https&token=TOKEN";

/** A `..` segment, or an undecodable path (refused too). */
function hasDotDot(pathname: string): boolean {
  try {
    return decodeURIComponent(pathname).split("/").includes("..");
  } catch {
    return true;
  }
}

/** Why `url` is not an upload destination for `pieceCid`, or null when it is. */
export function unsealDestProblem(url: string, pieceCid: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${JSON.stringify(url)} is not a URL (expected ${KINDS})`;
  }
  switch (u.protocol) {
    case "file:":
      if ((u.host !== "" && u.host !== "localhost") || u.pathname.endsWith("/") || hasDotDot(u.pathname))
        return `${JSON.stringify(url)}: expected file:///ABS/PATH (an absolute file path, no host, no ..)`;
      return null;
    case "http:":
    case "https:":
      if (u.hostname === "") return `${JSON.stringify(url)}: expected a host`;
      return null;
    case "store:":
      if (u.host === "") {
        if (u.pathname !== `/${pieceCid}`)
          return `${JSON.stringify(url)}: expected store:///${pieceCid} (this manager's piece store, under the piece's CID)`;
        return null;
      }
      if (u.pathname === "/" || u.pathname.endsWith("/") || hasDotDot(u.pathname))
        return `${JSON.stringify(url)}: expected store://<store>/<relative file path>, without ..`;
      return null;
    case "market:": {
      const scheme = u.searchParams.get("scheme") ?? "http";
      if (u.host === "" || u.pathname !== `/${pieceCid}` || (u.searchParams.get("host") ?? "") === "")
        return `${JSON.stringify(url)}: expected market://<store>/${pieceCid}?host=HOST (and optionally scheme, token)`;
      if (scheme !== "http" && scheme !== "https")
        return `${JSON.stringify(url)}: scheme=${JSON.stringify(scheme)}, expected http or https`;
      return null;
    }
    default:
      return `${JSON.stringify(url)}: unsupported scheme ${JSON.stringify(u.protocol)} (expected ${KINDS})`;
  }
}

export function defaultUnsealDest(pieceCid: string): string {
  return `store:///${pieceCid}`;
}

/** Padded bytes → unpadded bytes (fr32: 127 of every 128). */
export function unpadded(padded: number): number {
  return padded - padded / 128;
}

export function unsealStateName(state: UnsealState): string {
  switch (state) {
    case UnsealState.Set:
      return "Set";
    case UnsealState.Assigned:
      return "Assigned";
    case UnsealState.Finished:
      return "Finished";
    case UnsealState.Failed:
      return "Failed";
    default: {
      const exhaustive: never = state;
      return String(exhaustive);
    }
  }
}

/** "Set" / "assigned" / "2" → the state, or undefined. */
export function parseUnsealState(text: string): UnsealState | undefined {
  for (const s of Object.values(UnsealState))
    if (text === String(s) || text.toLowerCase() === unsealStateName(s).toLowerCase()) return s;
  return undefined;
}
