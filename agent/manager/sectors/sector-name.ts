// damocles' sector naming (`s-t0<miner>-<number>`), used in file names, reservations and messages.
import type { SectorID } from "../../shared/rpc/venus-types.js";

export function sectorName(sid: SectorID): string {
  return `s-t0${sid.Miner}-${sid.Number}`;
}
