// The sealing plans a SealingThread can run, each as one value: its states, its `worker list` stage names, the
// processor stages it runs, an empty record, the table-checked apply, and the handlers. The thread loop is the same for all of them; the
// casts from the shared record type to a plan's own record live here and only here.

import type { Plan } from "../config/worker-config.js";
import { rebuildStage, rebuildStates } from "../planner/rebuild.js";
import { sealerStage, sealerStates } from "../planner/sealer.js";
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
  type SealingPlan,
} from "../planner/sector.js";
import { snapStages, snapUpStage, snapUpStates } from "../planner/snapup.js";
import { isStateOf } from "../planner/transition-table.js";
import { unsealStage, unsealStates } from "../planner/unseal.js";
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

/**
 * One plan's parts, typed as that plan's own, made into a PlanSpec over the shared record type: the casts from the
 * shared record and event to the plan's own live here and only here (the thread only hands a plan its own records).
 */
function planSpec<S extends string, R extends AnySectorRecord, E extends PlanEvent>(parts: {
  plan: SealingPlan;
  states: readonly S[];
  stage: Readonly<Record<S, string>>;
  processorStages: readonly string[];
  empty(): R;
  apply(sector: R, event: E): Applied<R>;
  exec(state: S, sector: R, deps: StageDeps): Promise<E | { kind: "Idle" }>;
  ownsSector: boolean;
  tellAborted: PlanSpec["tellAborted"];
}): PlanSpec {
  return {
    plan: parts.plan,
    states: parts.states,
    isState: (s) => isStateOf(parts.states, s),
    stage: (s) => parts.stage[s as S] ?? s,
    processorStages: parts.processorStages,
    empty: parts.empty,
    apply: (r, e) => parts.apply(r as R, e as E),
    exec: (r, deps) => parts.exec(r.state as S, r as R, deps),
    ownsSector: parts.ownsSector,
    tellAborted: parts.tellAborted,
  };
}

export const planSpecs: Readonly<Record<SealingPlan, PlanSpec>> = {
  sealer: planSpec({
    plan: "sealer",
    states: sealerStates,
    stage: sealerStage,
    processorStages: ["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2"],
    empty: emptySector,
    apply: applySealerEvent,
    exec: execSealer,
    ownsSector: true,
    tellAborted: reportAborted,
  }),
  rebuild: planSpec({
    plan: "rebuild",
    states: rebuildStates,
    stage: rebuildStage,
    // The proof was on chain already: a rebuild checks its replica with C1 and needs no C2.
    processorStages: ["add_pieces", "tree_d", "pc1", "pc2", "c1"],
    empty: emptyRebuildSector,
    apply: applyRebuildEvent,
    exec: execRebuild,
    ownsSector: true,
    tellAborted: reportAborted,
  }),
  snapup: planSpec({
    plan: "snapup",
    states: snapUpStates,
    stage: snapUpStage,
    processorStages: ["add_pieces", "tree_d", ...Object.values(snapStages)],
    empty: emptySnapUpSector,
    apply: applySnapUpEvent,
    exec: execSnapUp,
    // The thread holds the sector while upgrading it: ReportFinalized ends the task (the manager keeps it proving).
    ownsSector: true,
    tellAborted: reportAborted,
  }),
  unseal: planSpec({
    plan: "unseal",
    states: unsealStates,
    stage: unsealStage,
    processorStages: ["unseal"],
    empty: emptyUnsealSector,
    apply: applyUnsealEvent,
    exec: execUnseal,
    ownsSector: false,
    // The task fails with the reason; the sector itself is not touched.
    tellAborted: async (r, reason, rpc) => {
      const u = r.phases.unsealIn;
      if (u === undefined || u === null) return;
      await rpc.callVenus("AchieveUnsealSector", [u.Sector.ID, u.PieceCid, reason === "" ? "aborted" : reason]);
    },
  }),
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
