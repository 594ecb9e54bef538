// Venus.StoreReserveSpace and Venus.StoreBasicInfo (damocles' objstore ReserveSpace): filter the stores (candidates,
// writable, free space minus reservations), then a weighted random pick. The reservation is kept on the sector
// row, so a repeat call with the same size returns the same store and a crash keeps it.
import { statfsSync } from "node:fs";
import type { SectorID, StoreBasicInfo } from "../../shared/rpc/venus-types.js";
import type { PersistStoreConfig } from "../config/manager-config.js";
import type { ManagerContext } from "../context.js";
import { liveSector } from "../sectors/live-sector.js";
import { updateSector } from "../sectors/sector.repository.js";

export function storeInfo(s: PersistStoreConfig): StoreBasicInfo {
  return { Name: s.name, Path: s.path, Strict: false, ReadOnly: s.readOnly, Weight: s.weight, Meta: null };
}

export function storeBasicInfo(ctx: ManagerContext, instance: string): StoreBasicInfo | null {
  const s = ctx.config.persistStores.find((x) => x.name === instance);
  return s === undefined ? null : storeInfo(s);
}

function freeBytes(path: string): number {
  try {
    const st = statfsSync(path);
    return st.bavail * st.bsize;
  } catch {
    return 0;
  }
}

/** Weighted random choice; `pick` in [0, 1) is injected so the choice can be tested. */
export function weightedPick<T extends { weight: number }>(items: readonly T[], pick: number): T | undefined {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let x = pick * total;
  for (const i of items) {
    if (x < i.weight) return i;
    x -= i.weight;
  }
  return items[items.length - 1];
}

export async function storeReserveSpace(
  ctx: ManagerContext,
  sid: SectorID,
  size: number,
  candidates: string[],
): Promise<StoreBasicInfo | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await liveSector(ctx, trx, sid);
    if (row.reserved_store !== null && row.reserved_size === size) {
      const same = ctx.config.persistStores.find((s) => s.name === row.reserved_store);
      if (same) return storeInfo(same);
    }
    const reserved = await trx
      .selectFrom("sectors")
      .select(["reserved_store", (eb) => eb.fn.sum<number>("reserved_size").as("bytes")])
      .where("reserved_size", "is not", null)
      .groupBy("reserved_store")
      .execute();
    const eligible = ctx.config.persistStores.filter((s) => {
      if (candidates.length > 0 && !candidates.includes(s.name)) return false;
      if (s.readOnly) return false;
      const held = Number(reserved.find((r) => r.reserved_store === s.name)?.bytes ?? 0);
      return freeBytes(s.path) >= held + size;
    });
    const chosen = weightedPick(eligible, Math.random());
    if (chosen === undefined) return null;
    await updateSector(trx, sid.Miner, sid.Number, {
      reserved_store: chosen.name,
      reserved_size: size,
      updated_at: ctx.now(),
    });
    return storeInfo(chosen);
  });
}
