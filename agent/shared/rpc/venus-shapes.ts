// The checks for each Venus.* shape (damocles-manager core/types.go), one definition each: the manager checks its
// params with them, and every client (worker, CLI, the manager's own tests) checks the replies it receives with
// them (venus-replies.ts), so a shape the manager sends and the shape a worker accepts cannot drift apart.

import {
  arrayOf,
  base64,
  base64Of32,
  bool,
  bytes32,
  type Check,
  cidString,
  int,
  listOf,
  nonEmptyStr,
  nullable,
  object,
  oneOf,
  optional,
  ParamError,
  record,
  str,
  u64,
} from "./value-checks.js";
import type {
  AcquireDealsSpec,
  AllocatedSector,
  AllocatedSnapUpSector,
  AllocateSectorSpec,
  AllocateSnapUpSpec,
  AllocateWdPoStJobSpec,
  ChainHead,
  ChainMessageView,
  CidJson,
  DealInfoV2,
  PollStateResp,
  PreCommitOnChainInfo,
  ProofOnChainInfo,
  RebuildOptions,
  ReportStateReq,
  SectorDetail,
  SectorID,
  SectorPieceV2,
  SectorRebuildInfo,
  SectorStateResp,
  SectorStateView,
  SectorTimelineEntry,
  SectorUnsealInfo,
  SnapUpOnChainInfo,
  StoreBasicInfo,
  SubmitPreCommitResp,
  Ticket,
  UnsealRequest,
  UnsealTaskView,
  WaitSeedResp,
  WdPoStAllocatedJob,
  WindowPoStOutput,
  WorkerInfo,
  WorkerPingInfo,
} from "./venus-types.js";
import { OnChainState, SubmitResult, UnsealState } from "./venus-types.js";

export const sectorId: Check<SectorID> = object({ Miner: u64, Number: u64 });

export const allocateSectorSpec: Check<AllocateSectorSpec> = object({
  AllowedMiners: nullable(arrayOf(u64)),
  AllowedProofTypes: nullable(arrayOf(u64)),
});

export const allocatedSector: Check<AllocatedSector> = object({ ID: sectorId, ProofType: u64 });

export const allocateSnapUpSpec: Check<AllocateSnapUpSpec> = object({
  Sector: (v, p) => allocateSectorSpec(v, p),
  Deals: (v, p) => acquireDealsSpec(v, p),
});

export const acquireDealsSpec: Check<AcquireDealsSpec> = object({
  MaxDeals: nullable(u64),
  MinUsedSpace: nullable(u64),
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

/** A CID a caller sends (the services check it is a piece CID and say so). */
export const cidJson: Check<CidJson> = object({ "/": nonEmptyStr });

/** A CID in a reply: letters and digits only, since the worker names files after piece CIDs. */
export const replyCidJson: Check<CidJson> = object({ "/": cidString });

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

// Reply shapes (what the manager answers).

export const ticket: Check<Ticket> = object({ Ticket: base64Of32, Epoch: u64 });

export const submitResp: Check<SubmitPreCommitResp> = object({ Res: oneOf(SubmitResult), Desc: nullable(str) });

export const pollStateResp: Check<PollStateResp> = object({ State: oneOf(OnChainState), Desc: nullable(str) });

export const waitSeedResp: Check<WaitSeedResp> = object({
  ShouldWait: bool,
  Delay: u64,
  Seed: nullable(object({ Seed: base64Of32, Epoch: u64 })),
});

export const sectorStateResp: Check<SectorStateResp> = object({
  Id: sectorId,
  Finalized: bool,
  AbortReason: nullable(str),
});

export const dealInfo: Check<DealInfoV2> = object({
  DealID: u64,
  PublishCid: nullable(replyCidJson),
  AllocationID: u64,
  PieceCID: replyCidJson,
  PieceSize: u64,
  Client: str,
  Provider: str,
  Offset: u64,
  Length: u64,
  PayloadSize: u64,
  StartEpoch: int,
  EndEpoch: int,
  IsBuiltinMarket: bool,
  IsCompatible: bool,
});

export const sectorPiece: Check<SectorPieceV2> = object({
  Piece: object({ Size: u64, PieceCID: replyCidJson }),
  DealInfo: dealInfo,
});

export const storeBasicInfo: Check<StoreBasicInfo> = object({
  Name: nonEmptyStr,
  Path: str,
  Strict: bool,
  ReadOnly: bool,
  Weight: u64,
  Meta: nullable(record(str)),
});

const always =
  <T>(value: T, what: string): Check<T> =>
  (v, p) => {
    if (v !== value && !(value === null && v === undefined))
      throw new ParamError(p, `expected ${what}, got ${JSON.stringify(v)}`);
    return value;
  };

export const sectorRebuildInfo: Check<SectorRebuildInfo> = object({
  Sector: allocatedSector,
  Ticket: ticket,
  Pieces: always(null, "null (no legacy deals)"),
  PiecesV2: nullable(arrayOf(sectorPiece)),
  IsSnapUp: bool,
  UpgradePublic: always(null, "null"),
});

export const snapUpOnChainInfo: Check<SnapUpOnChainInfo> = object({
  CommR: bytes32,
  CommD: bytes32,
  AccessInstance: nonEmptyStr,
  Pieces: arrayOf(cidJson),
  Proof: base64,
});

/** A CC sector to upgrade: its deals, its old replica's commitment and the store its files are read from. */
export const allocatedSnapUpSector: Check<AllocatedSnapUpSector> = object({
  Sector: allocatedSector,
  Pieces: arrayOf(sectorPiece),
  Public: object({ CommR: bytes32, SealedCID: replyCidJson, Activation: u64, Expiration: u64 }),
  Private: object({ AccessInstance: str }),
});

export const sectorUnsealInfo: Check<SectorUnsealInfo> = object({
  Sector: allocatedSector,
  PieceCid: replyCidJson,
  Offset: u64,
  Size: u64,
  PrivateInfo: object({ AccessInstance: str }),
  Ticket: ticket,
  CommD: bytes32,
  Dest: listOf(str),
  State: unsealState,
  ErrorInfo: str,
});

export const wdpostAllocatedJob: Check<WdPoStAllocatedJob> = object({
  Id: nonEmptyStr,
  Input: object({
    Sectors: listOf(
      object({
        SectorId: u64,
        CommR: bytes32,
        Upgrade: bool,
        Accesses: object({ SealedFile: str, CacheDir: str }),
      }),
    ),
    MinerId: u64,
    ProofType: nonEmptyStr,
    Seed: bytes32,
  }),
});

export const sectorStateView: Check<SectorStateView> = object({
  ID: sectorId,
  ProofType: u64,
  State: str,
  Worker: nullable(str),
  LatestState: nullable(str),
  LastFailure: nullable(str),
  Finalized: bool,
  AbortReason: nullable(str),
  Deals: u64,
  CreatedAt: u64,
  UpdatedAt: u64,
  Rebuild: optional((v, p) => {
    if (v !== "queued" && v !== "running")
      throw new ParamError(p, `expected "queued" or "running", got ${JSON.stringify(v)}`);
    return v;
  }),
});

export const sectorTimelineEntry: Check<SectorTimelineEntry> = object({
  At: u64,
  Instance: str,
  Location: str,
  Prev: str,
  Next: str,
  Event: str,
  FailureLevel: nullable(str),
  FailureDesc: nullable(str),
});

export const sectorDetail: Check<SectorDetail> = object({
  Sector: sectorStateView,
  Timeline: listOf(sectorTimelineEntry),
});

export const workerPingInfo: Check<WorkerPingInfo> = object({ Info: workerInfo, LastPing: u64 });

export const chainHead: Check<ChainHead> = object({ Height: u64, BlockDelayMs: u64 });

export const chainMessageView: Check<ChainMessageView> = object({
  Id: nonEmptyStr,
  Miner: u64,
  Kind: nonEmptyStr,
  Method: nonEmptyStr,
  Cid: nullable(str),
  Sectors: listOf(u64),
  State: nonEmptyStr,
  MaxFee: nullable(str),
  Value: nullable(str),
  ExitCode: nullable(int),
  Epoch: nullable(u64),
  GasUsed: nullable(u64),
  Error: nullable(str),
  Waiting: nullable(str),
  CreatedAt: u64,
});

export const unsealTaskView: Check<UnsealTaskView> = object({
  Sector: sectorId,
  PieceCid: replyCidJson,
  Offset: u64,
  Size: u64,
  Dest: listOf(str),
  State: unsealState,
  StateName: str,
  ErrorInfo: str,
  CreatedAt: u64,
  UpdatedAt: u64,
});
