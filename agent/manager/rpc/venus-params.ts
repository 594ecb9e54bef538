// The param checks for each Venus.* shape (reference/damocles.md §5.2).
import type {
  AcquireDealsSpec,
  AllocatedSector,
  AllocateSectorSpec,
  AllocateSnapUpSpec,
  AllocateWdPoStJobSpec,
  CidJson,
  PreCommitOnChainInfo,
  ProofOnChainInfo,
  RebuildOptions,
  ReportStateReq,
  SectorID,
  SnapUpOnChainInfo,
  UnsealRequest,
  WindowPoStOutput,
  WorkerInfo,
} from "../../shared/rpc/venus-types.js";
import { UnsealState } from "../../shared/rpc/venus-types.js";
import {
  arrayOf,
  base64,
  base64Of32,
  bool,
  bytes32,
  type Check,
  nonEmptyStr,
  nullable,
  object,
  ParamError,
  str,
  u64,
} from "./param-checks.js";

export const sectorId: Check<SectorID> = object({ Miner: u64, Number: u64 });

export const allocateSectorSpec: Check<AllocateSectorSpec> = object({
  AllowedMiners: nullable(arrayOf(u64)),
  AllowedProofTypes: nullable(arrayOf(u64)),
});

export const allocatedSector: Check<AllocatedSector> = object({ ID: sectorId, ProofType: u64 });

export const acquireDealsSpec: Check<AcquireDealsSpec> = object({
  MaxDeals: nullable(u64),
  MinUsedSpace: nullable(u64),
});

export const allocateSnapUpSpec: Check<AllocateSnapUpSpec> = object({
  Sector: allocateSectorSpec,
  Deals: acquireDealsSpec,
});

export const preCommitInfo: Check<PreCommitOnChainInfo> = object({
  CommR: bytes32,
  CommD: bytes32,
  Ticket: object({ Ticket: base64Of32, Epoch: u64 }),
});

export const proofInfo: Check<ProofOnChainInfo> = object({ Proof: base64 });

export const reportStateReq: Check<ReportStateReq> = object({
  Worker: object({ Instance: str, Location: str }),
  StateChange: object({ Prev: str, Next: str, Event: str }),
  Failure: nullable(object({ Level: str, Desc: str })),
});

export const workerInfo: Check<WorkerInfo> = object({
  Name: nonEmptyStr,
  Dest: nonEmptyStr,
  Version: str,
  Summary: object({ Threads: u64, Empty: u64, Paused: u64, Running: u64, Waiting: u64, Errors: u64 }),
});

export const wdpostJobSpec: Check<AllocateWdPoStJobSpec> = object({
  AllowedMiners: nullable(arrayOf(u64)),
  AllowedProofTypes: nullable(arrayOf(str)),
});

export const windowPostOutput: Check<WindowPoStOutput | null> = nullable(
  object({ proofs: arrayOf(base64), faults: (v, p) => (v === null || v === undefined ? [] : arrayOf(u64)(v, p)) }),
);

export const cidJson: Check<CidJson> = object({ "/": nonEmptyStr });

export const snapUpOnChainInfo: Check<SnapUpOnChainInfo> = object({
  CommR: bytes32,
  CommD: bytes32,
  AccessInstance: nonEmptyStr,
  Pieces: arrayOf(cidJson),
  Proof: base64,
});

export const rebuildOptions: Check<RebuildOptions> = object({
  PiecesAvailable: (v, p) => (v === undefined || v === null ? false : bool(v, p)),
});

export const unsealRequest: Check<UnsealRequest> = object({
  PieceCid: cidJson,
  Sector: nullable(sectorId),
  Dest: nullable(arrayOf(nonEmptyStr)),
});

export const unsealState: Check<UnsealState> = (v, p) => {
  const states: unknown[] = Object.values(UnsealState);
  if (!states.includes(v))
    throw new ParamError(
      p,
      `expected an UnsealState (0 Set, 1 Assigned, 2 Finished, 3 Failed), got ${JSON.stringify(v)}`,
    );
  return v as UnsealState;
};
