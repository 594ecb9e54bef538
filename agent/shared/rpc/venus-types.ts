// The `Venus.*` wire types, spelled exactly as damocles-manager's Go structs serialize them (core/types.go
// through encoding/json): PascalCase fields (with the listed exceptions), `[]byte` as base64
// strings, `[32]byte` as arrays of 32 numbers, numeric enums. Both the manager and the worker import these, so a
// shape mismatch is a compile error on both sides at once.

/** A miner actor id (the number in f01000). */
export type ActorID = number;

/** A base64 string carrying Go `[]byte` (tickets, seeds, proofs). */
export type Base64 = string;

/** Go `[32]byte`: exactly 32 numbers 0..255 (CommR, CommD, WdPoSt seeds). */
export type Bytes32 = number[];

/** `cid.Cid` as go-ipld encodes it in JSON. */
export interface CidJson {
  "/": string;
}

export interface SectorID {
  Miner: ActorID;
  Number: number;
}

/** abi.RegisteredSealProof: 0..4 V1 (2K, 8M, 512M, 32G, 64G), 5..9 V1_1, 10..14 synthetic, 15..19 NI. */
export type RegisteredSealProof = number;

export const SubmitResult = {
  Unknown: 0,
  Accepted: 1,
  DuplicateSubmit: 2,
  MismatchedSubmission: 3,
  Rejected: 4,
  FilesMissed: 5,
} as const;
export type SubmitResult = (typeof SubmitResult)[keyof typeof SubmitResult];

export const OnChainState = {
  Unknown: 0,
  Pending: 1,
  Packed: 2,
  Landed: 3,
  NotFound: 4,
  Failed: 5,
  PermFailed: 6,
  ShouldAbort: 7,
} as const;
export type OnChainState = (typeof OnChainState)[keyof typeof OnChainState];

export interface AllocateSectorSpec {
  AllowedMiners: ActorID[] | null;
  AllowedProofTypes: RegisteredSealProof[] | null;
}

export interface AllocatedSector {
  ID: SectorID;
  ProofType: RegisteredSealProof;
}

export interface AcquireDealsSpec {
  MaxDeals: number | null;
  MinUsedSpace: number | null;
}

export interface DealInfoV2 {
  DealID: number;
  PublishCid: CidJson | null;
  AllocationID: number;
  PieceCID: CidJson;
  PieceSize: number;
  Client: string;
  Provider: string;
  Offset: number;
  Length: number;
  PayloadSize: number;
  StartEpoch: number;
  EndEpoch: number;
  IsBuiltinMarket: boolean;
  IsCompatible: boolean;
}

export interface SectorPieceV2 {
  Piece: { Size: number; PieceCID: CidJson };
  /** Always filled (the worker's type is not optional), pledge pieces included. */
  DealInfo: DealInfoV2;
}

export interface Ticket {
  Ticket: Base64;
  Epoch: number;
}

export interface Seed {
  Seed: Base64;
  Epoch: number;
}

export interface PreCommitOnChainInfo {
  CommR: Bytes32;
  CommD: Bytes32;
  Ticket: Ticket;
}

export interface ProofOnChainInfo {
  Proof: Base64;
}

export interface SubmitPreCommitResp {
  Res: SubmitResult;
  Desc: string | null;
}

export interface SubmitProofResp {
  Res: SubmitResult;
  Desc: string | null;
}

export interface PollStateResp {
  State: OnChainState;
  Desc: string | null;
}

export interface WaitSeedResp {
  ShouldWait: boolean;
  /** Seconds; never negative (the worker parses a u64). */
  Delay: number;
  Seed: Seed | null;
}

/**
 * The one failure-level type (damocles `src/sealing/failure.rs`): the worker classifies errors by it
 * (agent/worker/failure.ts) and the manager records it. damocles' capitalised spelling exists only on the wire.
 */
export type FailureLevel = "temporary" | "permanent" | "abort" | "critical";

/** damocles' `SectorFailure.level`: its Rust enum's variant names, the wire spelling of our `FailureLevel`. */
export type WireFailureLevel = "Temporary" | "Permanent" | "Abort" | "Critical";

/** The one mapping from a failure level to its wire spelling, used where a worker reports a failure. */
export const wireFailureLevel: Readonly<Record<FailureLevel, WireFailureLevel>> = {
  temporary: "Temporary",
  permanent: "Permanent",
  abort: "Abort",
  critical: "Critical",
};

export interface ReportStateReq {
  Worker: { Instance: string; Location: string };
  StateChange: { Prev: string; Next: string; Event: string };
  /** `Level` is a string so a manager accepts what any worker sends; ours sends `wireFailureLevel[level]`. */
  Failure: { Level: string; Desc: string } | null;
}

export interface SectorStateResp {
  Id: SectorID;
  Finalized: boolean;
  AbortReason: string | null;
}

export interface WorkerThreadSummary {
  Threads: number;
  Empty: number;
  Paused: number;
  Running: number;
  Waiting: number;
  Errors: number;
}

export interface WorkerInfo {
  Name: string;
  Dest: string;
  Version: string;
  Summary: WorkerThreadSummary;
}

/** WorkerPingInfoList entries: the WorkerInfo plus when the manager last heard from it (Unix seconds). */
export interface WorkerPingInfo {
  Info: WorkerInfo;
  LastPing: number;
}

export interface StoreBasicInfo {
  Name: string;
  Path: string;
  Strict: boolean;
  ReadOnly: boolean;
  Weight: number;
  Meta: Record<string, string> | null;
}

export interface AllocateWdPoStJobSpec {
  AllowedMiners: ActorID[] | null;
  AllowedProofTypes: string[] | null;
}

export interface WdPoStSectorInput {
  SectorId: number;
  CommR: Bytes32;
  Upgrade: boolean;
  Accesses: { SealedFile: string; CacheDir: string };
}

export interface WdPoStInput {
  Sectors: WdPoStSectorInput[];
  MinerId: ActorID;
  ProofType: string;
  Seed: Bytes32;
}

export interface WdPoStAllocatedJob {
  Id: string;
  Input: WdPoStInput;
}

/** WdPoStFinishJob's output: damocles spells these two fields in lower case. */
export interface WindowPoStOutput {
  proofs: Base64[];
  faults: number[];
}

/** ListSectors / FindSector: the manager's view of one sector (sealfarm's own CLI-facing shape). */
export interface SectorStateView {
  ID: SectorID;
  ProofType: RegisteredSealProof;
  State: string;
  Worker: string | null;
  LatestState: string | null;
  LastFailure: string | null;
  Finalized: boolean;
  AbortReason: string | null;
  Deals: number;
  CreatedAt: number;
  UpdatedAt: number;
  /** `sectors rebuild`: "queued" or "running" while the sector is being sealed again (absent otherwise). */
  Rebuild?: "queued" | "running";
}

/** One entry of a sector's timeline (every ReportState, in order). */
export interface SectorTimelineEntry {
  At: number;
  Instance: string;
  Location: string;
  Prev: string;
  Next: string;
  Event: string;
  FailureLevel: string | null;
  FailureDesc: string | null;
}

export interface SectorDetail {
  Sector: SectorStateView;
  Timeline: SectorTimelineEntry[];
}

export interface ChainHead {
  Height: number;
  BlockDelayMs: number;
}

/** ListMessages (`sealfarm messages list`): one chain message the manager recorded, and what became of it. */
export interface ChainMessageView {
  Id: string;
  Miner: number;
  /** precommit, provecommit, wdpost or recovery. */
  Kind: string;
  /** The miner-actor method, e.g. "PreCommitSectorBatch2". */
  Method: string;
  /** null until the node accepted the push. */
  Cid: string | null;
  Sectors: number[];
  /** pending, sent, landed or failed. */
  State: string;
  /** attoFIL, decimal. */
  MaxFee: string | null;
  Value: string | null;
  ExitCode: number | null;
  /** The epoch it landed at. */
  Epoch: number | null;
  GasUsed: number | null;
  Error: string | null;
  /** The temporary chain failure it is waiting out, if any. */
  Waiting: string | null;
  CreatedAt: number;
}

/** damocles SectorPrivateInfo: the persist store instance holding the sealed file and the cache dir. */
export interface SectorPrivateInfo {
  AccessInstance: string;
}

/** damocles SectorPublicInfo: what the chain knows of a proving sector (a SnapUp candidate's old replica). */
export interface SectorPublicInfo {
  CommR: Bytes32;
  SealedCID: CidJson;
  Activation: number;
  Expiration: number;
}

/** `Venus.AllocateSanpUpSector`'s argument: which sectors this thread may upgrade, and how many deals it takes. */
export interface AllocateSnapUpSpec {
  Sector: AllocateSectorSpec;
  Deals: AcquireDealsSpec;
}

/**
 * A CC sector handed out for a SnapUp: its deals, its old replica's public commitment, and the persist store
 * (`Private.AccessInstance`) its sealed file and cache are read from.
 */
export interface AllocatedSnapUpSector {
  Sector: AllocatedSector;
  Pieces: SectorPieceV2[];
  Public: SectorPublicInfo;
  Private: SectorPrivateInfo;
}

/** `Venus.SubmitSnapUpProof`'s info: the new commitments, where the update files were persisted, and the proof. */
export interface SnapUpOnChainInfo {
  CommR: Bytes32;
  CommD: Bytes32;
  AccessInstance: string;
  Pieces: CidJson[];
  Proof: Base64;
}

export interface SubmitSnapUpProofResp {
  Res: SubmitResult;
  Desc: string | null;
}

/**
 * damocles SectorRebuildInfo: a sector to seal again, bit for bit, from its stored ticket and pieces (its sealed
 * file or cache was lost). `Pieces` (legacy deals) is always null and `IsSnapUp` always false: sealfarm has neither
 * legacy deals nor snap upgrades.
 */
export interface SectorRebuildInfo {
  Sector: AllocatedSector;
  Ticket: Ticket;
  Pieces: null;
  PiecesV2: SectorPieceV2[] | null;
  IsSnapUp: boolean;
  UpgradePublic: null;
}

/** damocles UnsealState. */
export const UnsealState = {
  Set: 0,
  Assigned: 1,
  Finished: 2,
  Failed: 3,
} as const;
export type UnsealState = (typeof UnsealState)[keyof typeof UnsealState];

/**
 * damocles SectorUnsealInfo: a piece to recover from a sealed sector. `Offset` and `Size` are unpadded bytes
 * (UnpaddedByteIndex, UnpaddedPieceSize) within the sector; `Dest` are the upload URLs (see AcquireUnsealDest).
 */
export interface SectorUnsealInfo {
  Sector: AllocatedSector;
  PieceCid: CidJson;
  Offset: number;
  Size: number;
  PrivateInfo: SectorPrivateInfo;
  Ticket: Ticket;
  CommD: Bytes32;
  Dest: string[];
  State: UnsealState;
  ErrorInfo: string;
}

/** CLI-facing (damocles RebuildOptions): the sector's deal pieces can be fetched from the piece store again. */
export interface RebuildOptions {
  PiecesAvailable: boolean;
}

/** CLI-facing: which piece to unseal, optionally from which sector, and where the worker uploads it. */
export interface UnsealRequest {
  PieceCid: CidJson;
  /** null: the first proving sector holding the piece. */
  Sector: SectorID | null;
  /** null or empty: `store:///<piece_cid>` (the manager's own piece store). */
  Dest: string[] | null;
}

/** CLI-facing: one unseal task as `sectors unseal --list` shows it. */
export interface UnsealTaskView {
  Sector: SectorID;
  PieceCid: CidJson;
  Offset: number;
  Size: number;
  Dest: string[];
  State: UnsealState;
  /** Set, Assigned, Finished or Failed. */
  StateName: string;
  ErrorInfo: string;
  CreatedAt: number;
  UpdatedAt: number;
}
