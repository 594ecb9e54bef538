// Uploads an unsealed piece to one parsed destination. Local copies go through a temp name, fsync and rename (and
// an fsync of the directory), so a reader never sees half a piece. HTTP failures (a refused connection, a non-2xx
// answer) are temporary; a store this worker does not attach is permanent.
import {
  closeSync,
  createReadStream,
  fsyncSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { copyFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { basename, dirname, join, relative, resolve } from "node:path";
import { pinnedTlsOptions, type TlsPin } from "../../shared/tls/pinned-tls.js";
import type { AttachedStore } from "../config/worker-config.js";
import { perm, temp } from "../failure.js";
import type { UploadDest } from "./upload-dest.js";

export interface UploadOptions {
  /** Sent as `Authorization: Bearer <token>` to the manager's piece store. */
  managerToken?: string | undefined;
  /** The manager's pinned certificate, for an https:// manager's piece store. */
  managerTls?: TlsPin | undefined;
  attached: readonly AttachedStore[];
  signal?: AbortSignal;
  /** Socket idle timeout per request. */
  timeoutMs?: number;
}

/** `path` with symlinks resolved as far as it exists (the rest appended), so links and `..` cannot hide it. */
function resolvedPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(resolvedPath(parent), basename(abs));
  }
}

/**
 * Why writing `target` would overwrite a persisted replica or its cache (it is, or resolves into, `sealed/` or
 * `cache/` of an attached store), or null. The piece being unsealed is read from exactly those files.
 */
export function protectedTargetProblem(target: string, attached: readonly AttachedStore[]): string | null {
  const t = resolvedPath(target);
  for (const a of attached) {
    for (const sub of ["sealed", "cache"]) {
      const root = resolvedPath(join(a.location, sub));
      const rel = relative(root, t);
      if (rel === "" || (!rel.startsWith("..") && !rel.startsWith("/")))
        return `${target} is in ${sub}/ of attached store ${JSON.stringify(a.name)} (${root}): refusing to overwrite a sealed file or cache`;
    }
  }
  return null;
}

export async function uploadPiece(file: string, dest: UploadDest, o: UploadOptions): Promise<void> {
  const local = (target: string, what: string) => {
    const problem = protectedTargetProblem(target, o.attached);
    if (problem !== null) throw perm(`upload to ${what}: ${problem}`);
    return copyDurable(file, target);
  };
  switch (dest.kind) {
    case "file":
      return local(dest.path, `file://${dest.path}`);
    case "store": {
      const store = o.attached.find((a) => a.name === dest.store);
      if (store === undefined) throw perm(`upload to store://${dest.store}: no attached store of that name`);
      if (store.readonly) throw perm(`upload to store://${dest.store}: the store is read-only`);
      return local(join(store.location, dest.path), `store://${dest.store}/${dest.path}`);
    }
    case "http":
      return putFile(file, dest.url, {}, o);
    case "piecestore":
      return putFile(file, dest.url, o.managerToken ? { authorization: `Bearer ${o.managerToken}` } : {}, {
        ...o,
        tls: o.managerTls,
      });
    case "market":
      return putFile(file, dest.url, dest.token ? { authorization: `Bearer ${dest.token}` } : {}, o);
    default: {
      const exhaustive: never = dest;
      throw perm(`unknown upload destination ${JSON.stringify(exhaustive)}`);
    }
  }
}

/** Copies to `<dest>.tmp-<pid>`, fsyncs it, renames it over `dest`, fsyncs the directory. */
export async function copyDurable(src: string, dest: string): Promise<void> {
  const tmp = `${dest}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(dest), { recursive: true });
    await copyFile(src, tmp);
    const fd = openSync(tmp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, dest);
    const dir = openSync(dirname(dest), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    throw temp(e, `copy ${src} to ${dest}`);
  }
}

/** PUTs the file as the request body; any answer but 2xx, and any transport error, is temporary. */
export function putFile(
  file: string,
  url: string,
  headers: Record<string, string>,
  o: Pick<UploadOptions, "signal" | "timeoutMs"> & { tls?: TlsPin | undefined },
): Promise<void> {
  const u = new URL(url);
  const size = statSync(file).size;
  const where = `PUT ${u.origin}${u.pathname}`;
  return new Promise<void>((resolve, reject) => {
    const req = (u.protocol === "https:" ? https : http).request(
      u,
      {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "content-length": String(size), ...headers },
        signal: o.signal,
        ...(u.protocol === "https:" && o.tls !== undefined ? pinnedTlsOptions(o.tls) : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on("data", (c: Buffer) => {
          if (kept < 512) chunks.push(c);
          kept += c.length;
        });
        res.on("error", (e) => reject(temp(e, where)));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          const body = Buffer.concat(chunks).toString("utf8").slice(0, 300).trim();
          reject(temp(`${where}: HTTP ${status}${body === "" ? "" : `: ${body}`}`));
        });
      },
    );
    req.setTimeout(o.timeoutMs ?? 120_000, () =>
      req.destroy(new Error(`no progress within ${o.timeoutMs ?? 120_000} ms`)),
    );
    req.on("error", (e) => reject(temp(e, where)));
    const body = createReadStream(file);
    body.on("error", (e) => {
      req.destroy();
      reject(temp(e, `read ${file}`));
    });
    body.pipe(req);
  });
}
