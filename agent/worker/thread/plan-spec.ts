// The sealing plans a SealingThread can run, each as one value: its states, its `worker list` stage names, an
// empty record, the table-checked apply, and the handlers. The thread loop is the same for all of them; the
// casts from the shared record type to a plan's own record live here and only here.
import type { RebuildState } from "../planner/rebuild.js";
import { isRebuildState, rebuildStage, rebuildStates } from "../planner/rebuild.js";
import { isSealerState, type SealerState, sealerStage, sealerStates } from "../planner/sealer.js";
import {
  type AnySectorRecord,
  type Applied,
  applyRebuildEvent,
  applySealerEvent,
  applyUnsealEvent,
  emptyRebuildSector,
  emptySector,
  emptyUnsealSector,
  type RebuildEvent,
  type RebuildRecord,
  type SealerEvent,
  type SealingPlan,
  type SectorRecord,
  type UnsealEvent,
  type UnsealRecord,
} from "../planner/sector.js";
import { isUnsealState, type UnsealPlanState, unsealStage, unsealStates } from "../planner/unseal.js";
import { execRebuild } from "../stages/rebuild-handlers.js";
import { execSealer } from "../stages/sealer-handlers.js";
import type { StageDeps } from "../stages/stage-deps.js";
import { execUnseal } from "../stages/unseal-handlers.js";

export type PlanEvent = { kind: string };

export interface PlanSpec {
  plan: SealingPlan;
  states: readonly string[];
  isState(s: string): boolean;
  /** The `stage` column of `worker list` for a state of this plan. */
  stage(state: string): string;
  empty(): AnySectorRecord;
  apply(sector: AnySectorRecord, event: PlanEvent): Applied<AnySectorRecord>;
  /** Runs the handler of the record's state: the next event, `Idle`, or a thrown Failure. */
  exec(sector: AnySectorRecord, deps: StageDeps): Promise<PlanEvent>;
  /**
   * Whether ReportState's `Finalized: true` means the manager took the sector back. Not for unseal: the manager
   * keeps a sector it unseals from finalized (proving, offline); the task lives in its own table.
   */
  honorsFinalized: boolean;
  /** Also tells the manager, when a sector of this plan is aborted (ReportAborted is always sent). */
  onAbort?(sector: AnySectorRecord, reason: string, deps: Pick<StageDeps, "rpc">): Promise<void>;
}

export const planSpecs: Readonly<Record<SealingPlan, PlanSpec>> = {
  sealer: {
    plan: "sealer",
    states: sealerStates,
    isState: isSealerState,
    stage: (s) => sealerStage[s as SealerState] ?? s,
    empty: emptySector,
    apply: (r, e) => applySealerEvent(r as SectorRecord, e as SealerEvent),
    exec: (r, deps) => execSealer(r.state as SealerState, r as SectorRecord, deps),
    honorsFinalized: true,
  },
  rebuild: {
    plan: "rebuild",
    states: rebuildStates,
    isState: isRebuildState,
    stage: (s) => rebuildStage[s as RebuildState] ?? s,
    empty: emptyRebuildSector,
    apply: (r, e) => applyRebuildEvent(r as RebuildRecord, e as RebuildEvent),
    exec: (r, deps) => execRebuild(r.state as RebuildState, r as RebuildRecord, deps),
    honorsFinalized: true,
  },
  unseal: {
    plan: "unseal",
    states: unsealStates,
    isState: isUnsealState,
    stage: (s) => unsealStage[s as UnsealPlanState] ?? s,
    empty: emptyUnsealSector,
    apply: (r, e) => applyUnsealEvent(r as UnsealRecord, e as UnsealEvent),
    exec: (r, deps) => execUnseal(r.state as UnsealPlanState, r as UnsealRecord, deps),
    honorsFinalized: false,
    // The task fails with the reason (AchieveUnsealSector with an error); the sector itself is not touched.
    onAbort: async (r, reason, deps) => {
      const u = r.phases.unsealIn;
      if (u === undefined || u === null) return;
      await deps.rpc.callVenus("AchieveUnsealSector", [u.Sector.ID, u.PieceCid, reason === "" ? "aborted" : reason]);
    },
  },
};

export function isSealingPlan(plan: string): plan is SealingPlan {
  return plan === "sealer" || plan === "rebuild" || plan === "unseal";
}

/** Every state name `worker resume --state` may name, across the plans (the worker checks it fits the thread's). */
export function allSealingStates(): string[] {
  return [...new Set(Object.values(planSpecs).flatMap((p) => p.states))];
}
