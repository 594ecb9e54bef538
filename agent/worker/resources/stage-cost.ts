// What one task of each stage costs, declared in one table (Curio's `TaskTypeDetails.Cost`): the pool and the
// admission check stay generic. RAM figures are the rust-fil-proofs working sets per sector size (reference
// curio-lotus.md resource tables), scaled linearly for the small sizes our binary handles.
import type { PaddedBytes } from "../../../components/core/units/bytes.js";

export interface StageCost {
  cpu: number;
  gpu: number;
  ramBytes: number;
  /** Extra scratch space in the sealing store, beyond the sector's own files. */
  scratchBytes: number;
}

type CostFn = (sectorSize: PaddedBytes) => StageCost;

const GiB = 1024 ** 3;
const perSector =
  (ramPer32GiB: number, cpu: number, gpu: number, scratchFactor: number): CostFn =>
  (size) => ({
    cpu,
    gpu,
    ramBytes: Math.max(64 << 20, Math.ceil((ramPer32GiB * size) / (32 * GiB))),
    scratchBytes: Math.ceil(size * scratchFactor),
  });

/** Keyed by damocles stage name. */
export const stageCosts: Readonly<Record<string, CostFn>> = {
  add_pieces: perSector(1 * GiB, 1, 0, 1),
  tree_d: perSector(1 * GiB, 1, 0, 2),
  // SDR keeps two layers in RAM (64 GiB for a 32 GiB sector in lotus' table) and writes 11 layers.
  pc1: perSector(64 * GiB, 1, 0, 11),
  pc2: perSector(16 * GiB, 2, 1, 2),
  c1: perSector(1 * GiB, 1, 0, 0),
  c2: perSector(64 * GiB, 2, 1, 0),
  transfer: perSector(64 << 20, 1, 0, 0),
  window_post: perSector(8 * GiB, 2, 1, 0),
};

export function costOf(stage: string, sectorSize: PaddedBytes): StageCost {
  const f = stageCosts[stage];
  if (f === undefined) return { cpu: 1, gpu: 0, ramBytes: 64 << 20, scratchBytes: 0 };
  return f(sectorSize);
}

/** Refusals give numbers: `pc1 not accepted: ram required 56 GiB, available 31 GiB`. */
export function admissionProblem(
  stage: string,
  cost: StageCost,
  available: { ramBytes: number; gpus: number },
): string | undefined {
  const gib = (n: number) => `${(n / GiB).toFixed(n < GiB ? 2 : 0)} GiB`;
  if (cost.ramBytes > available.ramBytes)
    return `${stage} not accepted: ram required ${gib(cost.ramBytes)}, available ${gib(available.ramBytes)}`;
  if (cost.gpu > available.gpus) return `${stage} not accepted: gpu required ${cost.gpu}, available ${available.gpus}`;
  return undefined;
}
