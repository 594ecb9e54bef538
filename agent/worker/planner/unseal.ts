// The unseal plan (reference §3.6) as data: recover one piece from a sealed sector, reading the persisted sealed
// file and cache in place, and upload it to every destination the manager names.
import { nextState, type Transition, type TransitionTable } from "./transition-table.js";

/** Wire names, in damocles' enum order. */
export const unsealStates = ["Empty", "Allocated", "Finished", "Aborted", "Unsealed"] as const;
export type UnsealPlanState = (typeof unsealStates)[number];

export const unsealEventKinds = ["AllocatedUnsealSector", "UnsealDone", "UploadPieceDone"] as const;
export type UnsealEventKind = (typeof unsealEventKinds)[number];

/** damocles `planner/unseal.rs`. */
export const unsealTable: TransitionTable<UnsealPlanState, UnsealEventKind> = {
  Empty: { AllocatedUnsealSector: "Allocated" },
  Allocated: { UnsealDone: "Unsealed" },
  Unsealed: { UploadPieceDone: "Finished" },
  Finished: {},
  Aborted: {},
};

export function nextUnsealState(state: UnsealPlanState, event: UnsealEventKind): Transition<UnsealPlanState> {
  return nextState(unsealTable, state, event);
}

/** The `stage` column of `worker list`. */
export const unsealStage: Readonly<Record<UnsealPlanState, string>> = {
  Empty: "AllocateUnseal",
  Allocated: "Unseal",
  Unsealed: "UploadPiece",
  Finished: "Finish",
  Aborted: "Abort",
};
