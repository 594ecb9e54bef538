// A deal piece the worker does not have locally comes from the manager's piece store. The worker fetches it itself
// (not the add_pieces processor, whose std-only HTTP client has neither TLS nor the manager's token), with
// `[sector_manager] token` and, for an https:// manager, the pinned certificate; the file is written through a
// temp name and renamed, so add_pieces only ever sees a whole piece. Failures are temporary (retried).
import { createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { pinnedTlsOptions, type TlsPin } from "../../shared/tls/pinned-tls.js";
import { perm, temp } from "../failure.js";

export interface FetchPieceOptions {
  token?: string | undefined;
  tls?: TlsPin | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** GETs `url` into `<dir>/<cid>`; returns the path. */
export async function fetchManagerPiece(url: string, dir: string, cid: string, o: FetchPieceOptions): Promise<string> {
  // The name comes from a manager reply: a piece CID is lowercase base32, nothing that could leave `dir`.
  if (!/^[a-z0-9]{8,}$/.test(cid)) throw perm(`piece CID ${JSON.stringify(cid.slice(0, 80))} is not a CID`);
  const u = new URL(url);
  const dest = join(dir, cid);
  const tmp = `${dest}.part`;
  mkdirSync(dir, { recursive: true });
  const where = `GET ${u.origin}${u.pathname}`;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = (u.protocol === "https:" ? https : http).get(
        u,
        {
          headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
          signal: o.signal,
          ...(u.protocol === "https:" && o.tls !== undefined ? pinnedTlsOptions(o.tls) : {}),
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`HTTP ${res.statusCode}`));
            return;
          }
          pipeline(res, createWriteStream(tmp)).then(resolve, reject);
        },
      );
      req.setTimeout(o.timeoutMs ?? 120_000, () =>
        req.destroy(new Error(`no progress within ${o.timeoutMs ?? 120_000} ms`)),
      );
      req.on("error", reject);
    });
    renameSync(tmp, dest);
    return dest;
  } catch (e) {
    rmSync(tmp, { force: true });
    throw temp(e, where);
  }
}
