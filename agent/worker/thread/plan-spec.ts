// The sealing plans a SealingThread can run, each as one value: its states, its `worker list` stage names, the
// processor stages it runs, an empty record, the table-checked apply, and the handlers. The thread loop is the same for all of them; the
// casts from the shared record type to a plan's own record live here and only here.

import type { Plan } from "../config/worker-config.js";
import type { RebuildState } from "../planner/rebuild.js";
import { isRebuildState, rebuildStage, rebuildStates } from "../planner/rebuild.js";
import { isSealerState, type SealerState, sealerStage, sealerStates } from "../planner/sealer.js";
import {
  type AnySectorRecord,
  type Applied,
  applyRebuildEvent,
  applySealerEvent,
  applySnapUpEvent,
  applyUnsealEvent,
  emptyRebuildSector,
  emptySector,
  emptySnapUpSector,
  emptyUnsealSector,
  type RebuildEvent,
  type RebuildRecord,
  type SealerEvent,
  type SealingPlan,
  type SectorRecord,
  type SnapUpEvent,
  type SnapUpRecord,
  type UnsealEvent,
  type UnsealRecord,
} from "../planner/sector.js";
import { isSnapUpState, type SnapUpState, snapStages, snapUpStage, snapUpStates } from "../planner/snapup.js";
import { isUnsealState, type UnsealPlanState, unsealStage, unsealStates } from "../planner/unseal.js";
import { windowPostStage } from "../planner/wdpost.js";
import { execRebuild } from "../stages/rebuild-handlers.js";
import { execSealer } from "../stages/sealer-handlers.js";
import { execSnapUp } from "../stages/snapup-handlers.js";
import type { StageDeps } from "../stages/stage-deps.js";
import { execUnseal } from "../stages/unseal-handlers.js";

export type PlanEvent = { kind: string };

export interface PlanSpec {
  plan: SealingPlan;
  states: readonly string[];
  isState(s: string): boolean;
  /** The `stage` column of `worker list` for a state of this plan. */
  stage(state: string): string;
  /**
   * The processor stages this plan's handlers run, the one statement of it: `runStage` refuses any other and
   * `worker check` checks a config's processors against it. `transfer` is not listed: any plan that persists may
   * use it, and without `[[processors.transfer]]` the worker copies the files itself.
   */
  processorStages: readonly string[];
  empty(): AnySectorRecord;
  apply(sector: AnySectorRecord, event: PlanEvent): Applied<AnySectorRecord>;
  /** Runs the handler of the record's state: the next event, `Idle`, or a thrown Failure. */
  exec(sector: AnySectorRecord, deps: StageDeps): Promise<PlanEvent>;
  /**
   * Whether a task of this plan holds the sector itself: ReportState's `Finalized: true` then means the manager took
   * it back, and the task ends with ReportFinalized / ReportAborted. Not for unseal: the manager keeps a sector it
   * unseals from finalized and proving (it may even be rebuilt meanwhile), and the task lives in its own table, so
   * an unseal ends with AchieveUnsealSector only (`tellAborted` for a failure).
   */
  ownsSector: boolean;
  /** Tells the manager a sector of this plan was aborted (errors are the caller's to log). */
  tellAborted(sector: AnySectorRecord, reason: string, rpc: StageDeps["rpc"]): Promise<void>;
}

async function reportAborted(r: AnySectorRecord, reason: string, rpc: StageDeps["rpc"]): Promise<void> {
  if (r.allocated !== null) await rpc.callVenus("ReportAborted", [r.allocated.ID, reason]);
}

export const planSpecs: Readonly<Record<SealingPlan, PlanSpec>> = {
  sealer: {
    plan: "sealer",
    states: sealerStates,
    isState: isSealerState,
    stage: (s) => sealerStage[s as SealerState] ?? s,
    processorStages: ["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2"],
    empty: emptySector,
    apply: (r, e) => applySealerEvent(r as SectorRecord, e as SealerEvent),
    exec: (r, deps) => execSealer(r.state as SealerState, r as SectorRecord, deps),
    ownsSector: true,
    tellAborted: reportAborted,
  },
  rebuild: {
    plan: "rebuild",
    states: rebuildStates,
    isState: isRebuildState,
    stage: (s) => rebuildStage[s as RebuildState] ?? s,
    // The proof was on chain already: a rebuild checks its replica with C1 and needs no C2.
    processorStages: ["add_pieces", "tree_d", "pc1", "pc2", "c1"],
    empty: emptyRebuildSector,
    apply: (r, e) => applyRebuildEvent(r as RebuildRecord, e as RebuildEvent),
    exec: (r, deps) => execRebuild(r.state as RebuildState, r as RebuildRecord, deps),
    ownsSector: true,
    tellAborted: reportAborted,
  },
  snapup: {
    plan: "snapup",
    states: snapUpStates,
    isState: isSnapUpState,
    stage: (s) => snapUpStage[s as SnapUpState] ?? s,
    processorStages: ["add_pieces", "tree_d", ...Object.values(snapStages)],
    empty: emptySnapUpSector,
    apply: (r, e) => applySnapUpEvent(r as SnapUpRecord, e as SnapUpEvent),
    exec: (r, deps) => execSnapUp(r.state as SnapUpState, r as SnapUpRecord, deps),
    // The thread holds the sector while upgrading it: ReportFinalized ends the task (the manager keeps it proving).
    ownsSector: true,
    tellAborted: reportAborted,
  },
  unseal: {
    plan: "unseal",
    states: unsealStates,
    isState: isUnsealState,
    stage: (s) => unsealStage[s as UnsealPlanState] ?? s,
    processorStages: ["unseal"],
    empty: emptyUnsealSector,
    apply: (r, e) => applyUnsealEvent(r as UnsealRecord, e as UnsealEvent),
    exec: (r, deps) => execUnseal(r.state as UnsealPlanState, r as UnsealRecord, deps),
    ownsSector: false,
    // The task fails with the reason; the sector itself is not touched.
    tellAborted: async (r, reason, rpc) => {
      const u = r.phases.unsealIn;
      if (u === undefined || u === null) return;
      await rpc.callVenus("AchieveUnsealSector", [u.Sector.ID, u.PieceCid, reason === "" ? "aborted" : reason]);
    },
  },
};

/** The processor stages a thread of `plan` runs: its plan spec's, or the wdpost thread's one stage. */
export function processorStagesOfPlan(plan: Plan): readonly string[] {
  return plan === "wdpost" ? [windowPostStage] : planSpecs[plan].processorStages;
}

export function isSealingPlan(plan: string): plan is SealingPlan {
  return plan === "sealer" || plan === "rebuild" || plan === "unseal" || plan === "snapup";
}

/** Every state name `worker resume --state` may name, across the plans (the worker checks it fits the thread's). */
export function allSealingStates(): string[] {
  return [...new Set(Object.values(planSpecs).flatMap((p) => p.states))];
}
