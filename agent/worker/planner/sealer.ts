// The sealer plan (reference §3.3, without synthetic PoRep) as data: states, events, and the transition table.
// `nextSealerState` is the only place that decides where an event leads; handlers only produce events.
import { nextState, type Transition, type TransitionTable } from "./transition-table.js";

/** Wire names of the states, in damocles' enum order (the number is a compatibility detail of its stored form). */
export const sealerStates = [
  "Empty",
  "Allocated",
  "DealsAcquired",
  "PieceAdded",
  "TreeDBuilt",
  "TicketAssigned",
  "PC1Done",
  "PC2Done",
  "PCSubmitted",
  "PCLanded",
  "Persisted",
  "PersistanceSubmitted",
  "SeedAssigned",
  "C1Done",
  "C2Done",
  "ProofSubmitted",
  "Finished",
  "Aborted",
] as const;
export type SealerState = (typeof sealerStates)[number];

/** Events that move a sector; their payloads are applied to the sector record by `applySealerEvent`. */
export const sealerEventKinds = [
  "Allocate",
  "AcquireDeals",
  "AddPiece",
  "BuildTreeD",
  "AssignTicket",
  "PC1",
  "PC2",
  "SubmitPC",
  "ReSubmitPC",
  "CheckPC",
  "Persist",
  "SubmitPersistance",
  "AssignSeed",
  "C1",
  "C2",
  "SubmitProof",
  "ReSubmitProof",
  "Finish",
] as const;
export type SealerEventKind = (typeof sealerEventKinds)[number];

/** The transition table, as damocles' `plan!` writes it: state → { event → next state }. */
export const sealerTable: TransitionTable<SealerState, SealerEventKind> = {
  Empty: { Allocate: "Allocated" },
  Allocated: { AcquireDeals: "DealsAcquired" },
  DealsAcquired: { AddPiece: "PieceAdded" },
  PieceAdded: { BuildTreeD: "TreeDBuilt" },
  TreeDBuilt: { AssignTicket: "TicketAssigned" },
  TicketAssigned: { PC1: "PC1Done" },
  PC1Done: { PC2: "PC2Done" },
  PC2Done: { SubmitPC: "PCSubmitted" },
  PCSubmitted: { CheckPC: "PCLanded", ReSubmitPC: "PC2Done" },
  PCLanded: { Persist: "Persisted" },
  Persisted: { SubmitPersistance: "PersistanceSubmitted" },
  PersistanceSubmitted: { AssignSeed: "SeedAssigned" },
  SeedAssigned: { C1: "C1Done" },
  C1Done: { C2: "C2Done" },
  C2Done: { SubmitProof: "ProofSubmitted" },
  ProofSubmitted: { Finish: "Finished", ReSubmitProof: "C2Done" },
  Finished: {},
  Aborted: {},
};

export function nextSealerState(state: SealerState, event: SealerEventKind): Transition<SealerState> {
  return nextState(sealerTable, state, event);
}

/** The `stage` column of `worker list` (damocles `State::stage`): what the thread is doing in that state. */
export const sealerStage: Readonly<Record<SealerState, string>> = {
  Empty: "Allocate",
  Allocated: "AcquireDeals",
  DealsAcquired: "AddPieces",
  PieceAdded: "TreeD",
  TreeDBuilt: "AssignTicket",
  TicketAssigned: "PC1",
  PC1Done: "PC2",
  PC2Done: "SubmitPC",
  PCSubmitted: "WaitPCLanded",
  PCLanded: "Persist",
  Persisted: "SubmitPersisted",
  PersistanceSubmitted: "WaitSeed",
  SeedAssigned: "C1",
  C1Done: "C2",
  C2Done: "SubmitProof",
  ProofSubmitted: "WaitProofLanded",
  Finished: "Finish",
  Aborted: "Abort",
};
