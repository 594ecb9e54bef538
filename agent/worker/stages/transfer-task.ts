// The `transfer` task that persists a sealed sector through `[[processors.transfer]]` (reference §3.3 PCLanded,
// §4.4): one route per file, src = the sealing store's local path, dest = the same relative path inside the chosen
// persist store with `store_name` set, and `stores` carrying that store's name and meta so a custom processor can
// reach a store that is not a local file system.
import { join } from "node:path";
import type { ReplicaFiles } from "../store/sealing-store.js";

/** A transfer end point: a path, in a named store or local (`store_name: null`). */
export interface TransferItem {
  store_name: string | null;
  uri: string;
}

export interface TransferRoute {
  src: TransferItem;
  dest: TransferItem;
  opt: { is_dir: boolean; allow_link: boolean };
}

export interface TransferTask {
  stores: Record<string, { name: string; meta: Record<string, string> }>;
  routes: TransferRoute[];
}

export interface PersistStoreInfo {
  name: string;
  meta: Record<string, string>;
}

/**
 * Routes for the sealed file and the persisted cache files (`cacheFiles`: names inside the cache dir, as
 * `isPersistedCacheFile` keeps them), cache files first in name order, the sealed file last. Files are copied, never
 * linked: the sealing store is wiped once the sector finishes, which would leave a link dangling.
 */
export function persistTransferTask(
  store: PersistStoreInfo,
  from: ReplicaFiles,
  to: ReplicaFiles,
  cacheFiles: readonly string[],
): TransferTask {
  const route = (src: string, dest: string): TransferRoute => ({
    src: { store_name: null, uri: src },
    dest: { store_name: store.name, uri: dest },
    opt: { is_dir: false, allow_link: false },
  });
  return {
    stores: { [store.name]: { name: store.name, meta: { ...store.meta } } },
    routes: [
      ...[...cacheFiles].sort().map((f) => route(join(from.cacheDir, f), join(to.cacheDir, f))),
      route(from.sealed, to.sealed),
    ],
  };
}

/** A transfer processor's output: `true` is done; anything else (`false` included) is a refusal. */
export function isTransferDone(output: unknown): boolean {
  return output === true;
}
