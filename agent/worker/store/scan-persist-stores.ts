// `[worker] scan_persist_stores`: every directory matched by a glob that holds a `sectorstore.json` becomes an
// attached store, named by its `Name` (or `ID`), read-only if `ReadOnly` (reference §1.1; lotus' store file).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { AttachedStore } from "../config/worker-config.js";

/** Pure: a sectorstore.json's text → the attached store it declares, or the reason it declares none. */
export function parseSectorStoreJson(text: string, location: string): AttachedStore | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `${join(location, "sectorstore.json")}: not JSON: ${(e as Error).message}`;
  }
  const o = (v ?? {}) as { Name?: unknown; ID?: unknown; ReadOnly?: unknown; Meta?: unknown };
  const name =
    typeof o.Name === "string" && o.Name !== "" ? o.Name : typeof o.ID === "string" && o.ID !== "" ? o.ID : undefined;
  if (name === undefined) return `${join(location, "sectorstore.json")}: has neither Name nor ID`;
  if (o.Meta === undefined || o.Meta === null) return { name, location, readonly: o.ReadOnly === true };
  const meta = o.Meta as Record<string, unknown>;
  const bad =
    typeof meta !== "object" || Array.isArray(meta)
      ? [""]
      : Object.keys(meta).filter((k) => typeof meta[k] !== "string");
  if (bad.length > 0)
    return `${join(location, "sectorstore.json")}: Meta${bad[0] === "" ? "" : `.${bad[0]}`}: expected an object of strings`;
  return { name, location, readonly: o.ReadOnly === true, meta: { ...(meta as Record<string, string>) } };
}

/** `*` and `?` in the last path component only (`/mnt/persist/*`), which is how operators write these. */
export function expandGlob(pattern: string): string[] {
  const dir = dirname(pattern);
  const last = basename(pattern);
  if (!/[*?]/.test(last)) return existsSync(pattern) ? [pattern] : [];
  if (!existsSync(dir)) return [];
  const re = new RegExp(
    `^${last
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return readdirSync(dir)
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dir, n));
}

export function scanPersistStores(patterns: readonly string[]): { stores: AttachedStore[]; problems: string[] } {
  const stores: AttachedStore[] = [];
  const problems: string[] = [];
  for (const p of patterns) {
    for (const dir of expandGlob(p)) {
      const file = join(dir, "sectorstore.json");
      if (!statSync(dir).isDirectory() || !existsSync(file)) continue;
      const r = parseSectorStoreJson(readFileSync(file, "utf8"), dir);
      if (typeof r === "string") problems.push(r);
      else stores.push(r);
    }
  }
  return { stores, problems };
}
