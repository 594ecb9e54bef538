// The rebuild plan (reference §3.5, without snap upgrades) as data: a sector whose sealed file or cache was lost is
// sealed again, bit for bit, from the ticket and pieces the manager kept. No chain messages: the C1 check with
// seed := ticket proves the files are right, then they are persisted and handed back with SubmitPersistedEx.
// `nextRebuildState` is the only place that decides where an event leads.
import { nextState, type Transition, type TransitionTable } from "./transition-table.js";

/** Wire names, in damocles' enum order (a subset of the one State enum every plan shares). */
export const rebuildStates = [
  "Empty",
  "Allocated",
  "PieceAdded",
  "TreeDBuilt",
  "PC1Done",
  "PC2Done",
  "Persisted",
  "Finished",
  "Aborted",
  "SealedChecked",
  "SnapDone",
] as const;
export type RebuildState = (typeof rebuildStates)[number];

export const rebuildEventKinds = [
  "AllocatedRebuildSector",
  "AddPiece",
  "BuildTreeD",
  "PC1",
  "PC2",
  "CheckSealed",
  "SkipSnap",
  "Persist",
  "SubmitPersistance",
] as const;
export type RebuildEventKind = (typeof rebuildEventKinds)[number];

/** damocles `planner/rebuild.rs`, the branch for sectors that were never snap-upgraded. */
export const rebuildTable: TransitionTable<RebuildState, RebuildEventKind> = {
  Empty: { AllocatedRebuildSector: "Allocated" },
  Allocated: { AddPiece: "PieceAdded" },
  PieceAdded: { BuildTreeD: "TreeDBuilt" },
  TreeDBuilt: { PC1: "PC1Done" },
  PC1Done: { PC2: "PC2Done" },
  PC2Done: { CheckSealed: "SealedChecked" },
  SealedChecked: { SkipSnap: "SnapDone" },
  SnapDone: { Persist: "Persisted" },
  Persisted: { SubmitPersistance: "Finished" },
  Finished: {},
  Aborted: {},
};

export function nextRebuildState(state: RebuildState, event: RebuildEventKind): Transition<RebuildState> {
  return nextState(rebuildTable, state, event);
}

/** The `stage` column of `worker list`. */
export const rebuildStage: Readonly<Record<RebuildState, string>> = {
  Empty: "AllocateRebuild",
  Allocated: "AddPieces",
  PieceAdded: "TreeD",
  TreeDBuilt: "PC1",
  PC1Done: "PC2",
  PC2Done: "CheckSealed",
  SealedChecked: "SkipSnap",
  SnapDone: "Persist",
  Persisted: "SubmitPersisted",
  Finished: "Finish",
  Aborted: "Abort",
};
