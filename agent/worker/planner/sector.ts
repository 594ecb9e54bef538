// The sector record a sealing thread persists after every event (damocles `planner/common/sector.rs`: one record
// shape for every plan, the plan named inside it), each plan's events with their payloads, and the `apply*Event`
// functions, which check the transition table and write a payload into the record. Pure.
import type {
  AllocatedSector,
  AllocatedSnapUpSector,
  SectorPieceV2,
  SectorRebuildInfo,
  SectorUnsealInfo,
  Seed,
  Ticket,
} from "../../shared/rpc/index.js";
import { nextRebuildState, type RebuildEventKind, type RebuildState } from "./rebuild.js";
import { nextSealerState, type SealerEventKind, type SealerState } from "./sealer.js";
import { nextSnapUpState, type SnapUpEventKind, type SnapUpState } from "./snapup.js";
import type { Transition } from "./transition-table.js";
import { nextUnsealState, type UnsealEventKind, type UnsealPlanState } from "./unseal.js";

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

/** snap_encode's output (damocles SnapEncodeOutput): the upgraded replica's commitments. */
export interface SnapEncodeOutput {
  comm_r_new: number[];
  comm_r_last_new: number[];
  comm_d_new: number[];
}

/** The plans whose threads own a sealing store (wdpost keeps nothing on disk). */
export type SealingPlan = "sealer" | "rebuild" | "unseal" | "snapup";

export interface SectorPhases {
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
  /** rebuild: what AllocateRebuildSector returned. */
  rebuildIn?: SectorRebuildInfo | null;
  /** unseal: what AllocateUnsealSector returned (damocles `phases.unseal_in`). */
  unsealIn?: SectorUnsealInfo | null;
  /** snapup: what AllocateSanpUpSector returned (damocles keeps it as `finalized` {public, private}). */
  snapIn?: AllocatedSnapUpSector | null;
  /** snapup: snap_encode's output (damocles `phases.snap_encode_out`). */
  snapEncodeOut?: SnapEncodeOutput | null;
  /** snapup: the update proof snap_prove returned, verified (damocles `phases.snap_prov_out`). */
  snapProof?: number[] | null;
}

export interface PlanRecord<P extends SealingPlan, S extends string> {
  version: 1;
  plan: P;
  state: S;
  prevState: S | null;
  /** Temporary-failure retries spent in the current state; persisted so a restart does not reset the budget. */
  retry: number;
  allocated: AllocatedSector | null;
  deals: SectorPieceV2[] | null;
  phases: SectorPhases;
  /** Wall-clock ms spent per state so far (for metrics and the dev summary); survives restarts. */
  stateMs: Partial<Record<S, number>>;
  /** Of `stateMs`, the part spent waiting for a stage slot or a processor (limits, locks), not working. */
  stateWaitMs?: Partial<Record<S, number>>;
}

export type SectorRecord = PlanRecord<"sealer", SealerState>;
export type RebuildRecord = PlanRecord<"rebuild", RebuildState>;
export type UnsealRecord = PlanRecord<"unseal", UnsealPlanState>;
export type SnapUpRecord = PlanRecord<"snapup", SnapUpState>;
export type AnySectorRecord = SectorRecord | RebuildRecord | UnsealRecord | SnapUpRecord;

function emptyRecord<P extends SealingPlan, S extends string>(plan: P): PlanRecord<P, S | "Empty"> {
  return {
    version: 1,
    plan,
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

export function emptyRebuildSector(): RebuildRecord {
  return emptyRecord<"rebuild", RebuildState>("rebuild");
}

export function emptyUnsealSector(): UnsealRecord {
  return emptyRecord<"unseal", UnsealPlanState>("unseal");
}

export function emptySnapUpSector(): SnapUpRecord {
  return emptyRecord<"snapup", SnapUpState>("snapup");
}

export function emptySector(): SectorRecord {
  return emptyRecord<"sealer", SealerState>("sealer");
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

/** Compile-time check that an event union names exactly the events of its plan table (`never` otherwise). */
type SameKinds<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameKinds: SameKinds<SealerEvent["kind"], SealerEventKind> = true;
void _sameKinds;

/** Writes the event's payload into a copy of the record. */
export function applyPayload(sector: SectorRecord, event: SealerEvent): SectorRecord {
  const s = copyRecord(sector);
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
    default:
      unhandledEvent(event);
  }
  return s;
}

export type Applied<R> = { ok: true; sector: R } | { ok: false; error: string };

/**
 * The record in its next state with the event's payload written, or the table's rejection (then nothing is written:
 * the payload is only computed for an accepted event). The retry budget restarts in a new state.
 */
function applyChecked<P extends SealingPlan, S extends string>(
  before: PlanRecord<P, S>,
  transition: Transition<S>,
  withPayload: () => PlanRecord<P, S>,
): Applied<PlanRecord<P, S>> {
  if (!transition.ok) return transition;
  return { ok: true, sector: { ...withPayload(), prevState: before.state, state: transition.next, retry: 0 } };
}

/** A copy of the record that a payload may be written into (phases copied too, the rest is replaced whole). */
function copyRecord<R extends AnySectorRecord>(sector: R): R {
  return { ...sector, phases: { ...sector.phases } };
}

/** The `default:` of a payload switch: the event union and the table name the same kinds, so this is unreachable. */
function unhandledEvent(event: never): never {
  throw new Error(`unhandled event ${JSON.stringify(event)}`);
}

/** Transition + payload: the new record, or the table's rejection. */
export function applySealerEvent(sector: SectorRecord, event: SealerEvent): Applied<SectorRecord> {
  return applyChecked(sector, nextSealerState(sector.state, event.kind), () => applyPayload(sector, event));
}

export type RebuildEvent =
  | { kind: "AllocatedRebuildSector"; info: SectorRebuildInfo }
  | { kind: "AddPiece"; pieces: PieceInfo[] }
  | { kind: "BuildTreeD" }
  | { kind: "PC1"; out: unknown }
  | { kind: "PC2"; out: Pc2Output }
  | { kind: "CheckSealed" }
  | { kind: "SkipSnap" }
  | { kind: "Persist"; instance: string }
  | { kind: "SubmitPersistance" };

const _sameRebuildKinds: SameKinds<RebuildEvent["kind"], RebuildEventKind> = true;
void _sameRebuildKinds;

export function applyRebuildEvent(sector: RebuildRecord, event: RebuildEvent): Applied<RebuildRecord> {
  return applyChecked(sector, nextRebuildState(sector.state, event.kind), () => rebuildPayload(sector, event));
}

/** Writes the event's payload into a copy of the record. */
function rebuildPayload(sector: RebuildRecord, event: RebuildEvent): RebuildRecord {
  const s = copyRecord(sector);
  switch (event.kind) {
    case "AllocatedRebuildSector":
      // The sector, its ticket and its pieces are the original ones: PC1 uses this ticket, not a fresh one.
      s.allocated = event.info.Sector;
      s.deals = event.info.PiecesV2;
      s.phases.ticket = event.info.Ticket;
      s.phases.rebuildIn = event.info;
      break;
    case "AddPiece":
      s.phases.pieces = event.pieces;
      break;
    case "PC1":
      s.phases.pc1out = event.out;
      break;
    case "PC2":
      s.phases.pc2out = event.out;
      break;
    case "Persist":
      s.phases.persistInstance = event.instance;
      break;
    case "BuildTreeD":
    case "CheckSealed":
    case "SkipSnap":
    case "SubmitPersistance":
      break;
    default:
      unhandledEvent(event);
  }
  return s;
}

export type UnsealEvent =
  | { kind: "AllocatedUnsealSector"; info: SectorUnsealInfo }
  | { kind: "UnsealDone"; bytes: number }
  | { kind: "UploadPieceDone" };

const _sameUnsealKinds: SameKinds<UnsealEvent["kind"], UnsealEventKind> = true;
void _sameUnsealKinds;

export function applyUnsealEvent(sector: UnsealRecord, event: UnsealEvent): Applied<UnsealRecord> {
  return applyChecked(sector, nextUnsealState(sector.state, event.kind), () => unsealPayload(sector, event));
}

/** Writes the event's payload into a copy of the record. */
function unsealPayload(sector: UnsealRecord, event: UnsealEvent): UnsealRecord {
  const s = copyRecord(sector);
  switch (event.kind) {
    case "AllocatedUnsealSector":
      s.allocated = event.info.Sector;
      s.phases.ticket = event.info.Ticket;
      s.phases.unsealIn = event.info;
      break;
    case "UnsealDone":
    case "UploadPieceDone":
      break;
    default:
      unhandledEvent(event);
  }
  return s;
}

export type SnapUpEvent =
  | { kind: "AllocatedSnapUpSector"; info: AllocatedSnapUpSector }
  | { kind: "AddPiece"; pieces: PieceInfo[] }
  | { kind: "BuildTreeD" }
  | { kind: "SnapEncode"; out: SnapEncodeOutput }
  | { kind: "SnapProve"; proof: number[] }
  | { kind: "Persist"; instance: string }
  | { kind: "RePersist" }
  | { kind: "Finish" };

const _sameSnapUpKinds: SameKinds<SnapUpEvent["kind"], SnapUpEventKind> = true;
void _sameSnapUpKinds;

export function applySnapUpEvent(sector: SnapUpRecord, event: SnapUpEvent): Applied<SnapUpRecord> {
  return applyChecked(sector, nextSnapUpState(sector.state, event.kind), () => snapUpPayload(sector, event));
}

/** Writes the event's payload into a copy of the record. */
function snapUpPayload(sector: SnapUpRecord, event: SnapUpEvent): SnapUpRecord {
  const s = copyRecord(sector);
  switch (event.kind) {
    case "AllocatedSnapUpSector":
      // The deals to encode and the old replica's public and private info (where its files are persisted).
      s.allocated = event.info.Sector;
      s.deals = event.info.Pieces;
      s.phases.snapIn = event.info;
      break;
    case "AddPiece":
      s.phases.pieces = event.pieces;
      break;
    case "SnapEncode":
      s.phases.snapEncodeOut = event.out;
      break;
    case "SnapProve":
      s.phases.snapProof = event.proof;
      break;
    case "Persist":
      s.phases.persistInstance = event.instance;
      break;
    case "RePersist":
      s.phases.persistInstance = null;
      break;
    case "BuildTreeD":
    case "Finish":
      break;
    default:
      unhandledEvent(event);
  }
  return s;
}

/**
 * `s-t01000-42`: the sector's file name, as damocles and lotus spell it. Built from unsigned integers only: every
 * sector path comes from this name, so anything else (a forged `"../x"` in a reply or a record) is refused here.
 */
export function sectorName(id: { Miner: number; Number: number }): string {
  for (const [key, v] of [
    ["Miner", id.Miner],
    ["Number", id.Number],
  ] as const)
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
      throw new RangeError(`sector ID.${key}: expected an unsigned integer, got ${JSON.stringify(v)}`);
  return `s-t0${id.Miner}-${id.Number}`;
}
