// The unseal plan (reference §3.6) as data: recover one piece from a sealed sector, reading the persisted sealed
// file and cache in place, and upload it to every destination the manager names.
import type { Transition } from "./sealer.js";

/** Wire names, in damocles' enum order. */
export const unsealStates = ["Empty", "Allocated", "Finished", "Aborted", "Unsealed"] as const;
export type UnsealPlanState = (typeof unsealStates)[number];

export const unsealEventKinds = ["AllocatedUnsealSector", "UnsealDone", "UploadPieceDone"] as const;
export type UnsealEventKind = (typeof unsealEventKinds)[number];

/** damocles `planner/unseal.rs`. */
export const unsealTable: Readonly<
  Record<UnsealPlanState, Readonly<Partial<Record<UnsealEventKind, UnsealPlanState>>>>
> = {
  Empty: { AllocatedUnsealSector: "Allocated" },
  Allocated: { UnsealDone: "Unsealed" },
  Unsealed: { UploadPieceDone: "Finished" },
  Finished: {},
  Aborted: {},
};

export function nextUnsealState(state: UnsealPlanState, event: UnsealEventKind): Transition<UnsealPlanState> {
  const next = unsealTable[state][event];
  if (next === undefined) return { ok: false, error: `unexpected event ${event} for state ${state}` };
  return { ok: true, next };
}

export function isUnsealState(s: string): s is UnsealPlanState {
  return (unsealStates as readonly string[]).includes(s);
}

/** The `stage` column of `worker list`. */
export const unsealStage: Readonly<Record<UnsealPlanState, string>> = {
  Empty: "AllocateUnseal",
  Allocated: "Unseal",
  Unsealed: "UploadPiece",
  Finished: "Finish",
  Aborted: "Abort",
};
