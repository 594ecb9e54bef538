// The snapup plan (reference §3.4) as data: a CC sector that is already proving takes deals without being sealed
// again. The deals' data is encoded into the old replica (read from the persist store it lives in), the new replica
// and its proof are persisted, and SubmitSnapUpProof hands the upgrade to the manager. `nextSnapUpState` is the only
// place that decides where an event leads.
import { nextState, type Transition, type TransitionTable } from "./transition-table.js";

/**
 * The processor stages of the update proof. damocles runs the partition proofs and the verification in-process;
 * sealfarm runs every stage in a processor, so they are stages of the proof binary too.
 */
export const snapStages = {
  encode: "snap_encode",
  partitionProofs: "snap_partition_proofs",
  prove: "snap_prove",
  verify: "verify_snap",
} as const;

/** Wire names, in damocles' enum order (a subset of the one State enum every plan shares). */
export const snapUpStates = [
  "Empty",
  "Allocated",
  "PieceAdded",
  "TreeDBuilt",
  "Persisted",
  "Finished",
  "Aborted",
  "SnapEncoded",
  "SnapProved",
] as const;
export type SnapUpState = (typeof snapUpStates)[number];

export const snapUpEventKinds = [
  "AllocatedSnapUpSector",
  "AddPiece",
  "BuildTreeD",
  "SnapEncode",
  "SnapProve",
  "Persist",
  "RePersist",
  "Finish",
] as const;
export type SnapUpEventKind = (typeof snapUpEventKinds)[number];

/** damocles `planner/snapup.rs`. */
export const snapUpTable: TransitionTable<SnapUpState, SnapUpEventKind> = {
  Empty: { AllocatedSnapUpSector: "Allocated" },
  Allocated: { AddPiece: "PieceAdded" },
  PieceAdded: { BuildTreeD: "TreeDBuilt" },
  TreeDBuilt: { SnapEncode: "SnapEncoded" },
  SnapEncoded: { SnapProve: "SnapProved" },
  SnapProved: { Persist: "Persisted" },
  // FilesMissed from SubmitSnapUpProof: the update files are not where the manager looked; persist them again.
  Persisted: { RePersist: "SnapProved", Finish: "Finished" },
  Finished: {},
  Aborted: {},
};

export function nextSnapUpState(state: SnapUpState, event: SnapUpEventKind): Transition<SnapUpState> {
  return nextState(snapUpTable, state, event);
}

/** The `stage` column of `worker list`: what the thread does in that state. */
export const snapUpStage: Readonly<Record<SnapUpState, string>> = {
  Empty: "AllocateSnapUp",
  Allocated: "AddPieces",
  PieceAdded: "TreeD",
  TreeDBuilt: "SnapEncode",
  SnapEncoded: "SnapProve",
  SnapProved: "Persist",
  Persisted: "SubmitSnapUpProof",
  Finished: "Finish",
  Aborted: "Abort",
};
