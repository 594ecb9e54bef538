// The worker's admission check: whether tasks of a stage fit what the host has (admit-config.ts asks it for the
// whole configuration at start). The costs come from the one stage-cost table the planner also sizes hosts with
// (components/core/plan/stage-costs.ts), so a host never admits work its plan did not count on.
import { type StageCost, stageCost } from "../../../components/core/plan/stage-costs.js";
import { sectorSizeName } from "../../../components/core/proofs/registered-proofs.js";
import type { PaddedBytes } from "../../../components/core/units/bytes.js";

/** The cost of one task of `stage` on a sector of `sectorSize` bytes. */
export function costOf(stage: string, sectorSize: PaddedBytes): StageCost {
  return stageCost(stage, sectorSizeName(sectorSize));
}

/** Refusals give numbers: `pc1 not accepted: ram required 64 GiB, available 31 GiB`. */
export function admissionProblem(
  stage: string,
  cost: StageCost,
  available: { ramBytes: number; gpus: number },
): string | undefined {
  const GiB = 1024 ** 3;
  const gib = (n: number) => `${(n / GiB).toFixed(n < GiB ? 2 : 0)} GiB`;
  if (cost.ramBytes > available.ramBytes)
    return `${stage} not accepted: ram required ${gib(cost.ramBytes)}, available ${gib(available.ramBytes)}`;
  if (cost.gpus > available.gpus)
    return `${stage} not accepted: gpu required ${cost.gpus}, available ${available.gpus}`;
  return undefined;
}
