// The sector record a sealing thread persists after every event (damocles `planner/common/sector.rs`), the
// sealer's events with their payloads, and `applySealerEvent`, which writes a payload into the record. Pure.
import type { AllocatedSector, SectorPieceV2, Seed, Ticket } from "../../shared/rpc/index.js";
import { nextSealerState, type SealerEventKind, type SealerState } from "./sealer.js";

/** rust-fil-proofs PieceInfo as processors speak it: `{commitment:[32], size:<unpadded>}`. */
export interface PieceInfo {
  commitment: number[];
  size: number;
}

export interface Pc2Output {
  comm_r: number[];
  comm_d: number[];
  registered_proof?: string;
}

export interface SectorRecord {
  version: 1;
  plan: "sealer";
  state: SealerState;
  prevState: SealerState | null;
  /** Temporary-failure retries spent in the current state; persisted so a restart does not reset the budget. */
  retry: number;
  allocated: AllocatedSector | null;
  deals: SectorPieceV2[] | null;
  phases: {
    pieces: PieceInfo[] | null;
    ticket: Ticket | null;
    pc1out: unknown;
    pc2out: Pc2Output | null;
    pc2ReSubmit: boolean;
    persistInstance: string | null;
    seed: Seed | null;
    c1out: unknown;
    c2out: { proof: number[] } | null;
    c2ReSubmit: boolean;
  };
  /** Wall-clock ms spent per state so far (for metrics and the dev summary); survives restarts. */
  stateMs: Partial<Record<SealerState, number>>;
  /** Of `stateMs`, the part spent waiting for a stage slot or a processor (limits, locks), not working. */
  stateWaitMs?: Partial<Record<SealerState, number>>;
}

export function emptySector(): SectorRecord {
  return {
    version: 1,
    plan: "sealer",
    state: "Empty",
    prevState: null,
    retry: 0,
    allocated: null,
    deals: null,
    phases: {
      pieces: null,
      ticket: null,
      pc1out: null,
      pc2out: null,
      pc2ReSubmit: false,
      persistInstance: null,
      seed: null,
      c1out: null,
      c2out: null,
      c2ReSubmit: false,
    },
    stateMs: {},
  };
}

export type SealerEvent =
  | { kind: "Allocate"; sector: AllocatedSector }
  | { kind: "AcquireDeals"; deals: SectorPieceV2[] | null }
  | { kind: "AddPiece"; pieces: PieceInfo[] }
  | { kind: "BuildTreeD" }
  | { kind: "AssignTicket"; ticket: Ticket | null }
  | { kind: "PC1"; ticket: Ticket; out: unknown }
  | { kind: "PC2"; out: Pc2Output }
  | { kind: "SubmitPC" }
  | { kind: "ReSubmitPC" }
  | { kind: "CheckPC" }
  | { kind: "Persist"; instance: string }
  | { kind: "SubmitPersistance" }
  | { kind: "AssignSeed"; seed: Seed }
  | { kind: "C1"; out: unknown }
  | { kind: "C2"; out: { proof: number[] } }
  | { kind: "SubmitProof" }
  | { kind: "ReSubmitProof" }
  | { kind: "Finish" };

// Compile-time check that the event union and the table's event names are the same set.
type _SameKinds = SealerEvent["kind"] extends SealerEventKind
  ? SealerEventKind extends SealerEvent["kind"]
    ? true
    : never
  : never;
const _sameKinds: _SameKinds = true;
void _sameKinds;

/** Writes the event's payload into a copy of the record. */
export function applyPayload(sector: SectorRecord, event: SealerEvent): SectorRecord {
  const s: SectorRecord = { ...sector, phases: { ...sector.phases } };
  switch (event.kind) {
    case "Allocate":
      s.allocated = event.sector;
      break;
    case "AcquireDeals":
      s.deals = event.deals;
      break;
    case "AddPiece":
      s.phases.pieces = event.pieces;
      break;
    case "AssignTicket":
      // None clears the stored ticket, so PC1 asks for a fresh one (resume at TreeDBuilt for expired tickets).
      s.phases.ticket = event.ticket;
      break;
    case "PC1":
      s.phases.ticket = event.ticket;
      s.phases.pc1out = event.out;
      break;
    case "PC2":
      s.phases.pc2out = event.out;
      break;
    case "SubmitPC":
      s.phases.pc2ReSubmit = false;
      break;
    case "ReSubmitPC":
      s.phases.pc2ReSubmit = true;
      break;
    case "Persist":
      s.phases.persistInstance = event.instance;
      break;
    case "AssignSeed":
      s.phases.seed = event.seed;
      break;
    case "C1":
      s.phases.c1out = event.out;
      break;
    case "C2":
      s.phases.c2out = event.out;
      break;
    case "SubmitProof":
      s.phases.c2ReSubmit = false;
      break;
    case "ReSubmitProof":
      s.phases.c2ReSubmit = true;
      break;
    case "BuildTreeD":
    case "CheckPC":
    case "SubmitPersistance":
    case "Finish":
      break;
    default: {
      const exhaustive: never = event;
      throw new Error(`unhandled event ${JSON.stringify(exhaustive)}`);
    }
  }
  return s;
}

/** Transition + payload: the new record, or the table's rejection. The retry budget restarts in a new state. */
export function applySealerEvent(
  sector: SectorRecord,
  event: SealerEvent,
): { ok: true; sector: SectorRecord } | { ok: false; error: string } {
  const t = nextSealerState(sector.state, event.kind);
  if (!t.ok) return t;
  const s = applyPayload(sector, event);
  s.prevState = sector.state;
  s.state = t.next;
  s.retry = 0;
  return { ok: true, sector: s };
}

/** `s-t01000-42`: the sector's file name, as damocles and lotus spell it. */
export function sectorName(id: { Miner: number; Number: number }): string {
  return `s-t0${id.Miner}-${id.Number}`;
}
