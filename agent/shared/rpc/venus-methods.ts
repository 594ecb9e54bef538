// Every `Venus.*` method sealfarm serves, as positional-parameter tuples and results. The worker's client and the
// manager's method table are both typed from this one map.
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
  PollStateResp,
  PreCommitOnChainInfo,
  ProofOnChainInfo,
  RebuildOptions,
  RegisteredSealProof,
  ReportStateReq,
  SectorDetail,
  SectorID,
  SectorPieceV2,
  SectorRebuildInfo,
  SectorStateResp,
  SectorStateView,
  SectorUnsealInfo,
  SnapUpOnChainInfo,
  StoreBasicInfo,
  SubmitPreCommitResp,
  SubmitProofResp,
  SubmitSnapUpProofResp,
  Ticket,
  UnsealRequest,
  UnsealState,
  UnsealTaskView,
  WaitSeedResp,
  WdPoStAllocatedJob,
  WindowPoStOutput,
  WorkerInfo,
  WorkerPingInfo,
} from "./venus-types.js";

export interface VenusMethods {
  AllocateSector: { params: [spec: AllocateSectorSpec]; result: AllocatedSector | null };
  AcquireDeals: { params: [sid: SectorID, spec: AcquireDealsSpec]; result: SectorPieceV2[] | null };
  AssignTicket: { params: [sid: SectorID]; result: Ticket };
  SubmitPreCommit: {
    params: [sector: AllocatedSector, info: PreCommitOnChainInfo, reset: boolean];
    result: SubmitPreCommitResp;
  };
  PollPreCommitState: { params: [sid: SectorID]; result: PollStateResp };
  SubmitPersisted: { params: [sid: SectorID, instance: string]; result: boolean };
  SubmitPersistedEx: { params: [sid: SectorID, instance: string, isUpgrade: boolean]; result: boolean };
  WaitSeed: { params: [sid: SectorID, proofType: RegisteredSealProof]; result: WaitSeedResp };
  SubmitProof: { params: [sid: SectorID, info: ProofOnChainInfo, reset: boolean]; result: SubmitProofResp };
  PollProofState: { params: [sid: SectorID]; result: PollStateResp };
  ReportState: { params: [sid: SectorID, req: ReportStateReq]; result: SectorStateResp };
  ReportFinalized: { params: [sid: SectorID]; result: null };
  ReportAborted: { params: [sid: SectorID, reason: string]; result: null };
  AllocateRebuildSector: { params: [spec: AllocateSectorSpec]; result: SectorRebuildInfo | null };
  AllocateUnsealSector: { params: [spec: AllocateSectorSpec]; result: SectorUnsealInfo | null };
  /** The misspelling is damocles' wire name. */
  AllocateSanpUpSector: { params: [spec: AllocateSnapUpSpec]; result: AllocatedSnapUpSector | null };
  SubmitSnapUpProof: { params: [sid: SectorID, info: SnapUpOnChainInfo]; result: SubmitSnapUpProofResp };
  AcquireUnsealDest: { params: [sid: SectorID, pieceCid: CidJson]; result: string[] };
  AchieveUnsealSector: { params: [sid: SectorID, pieceCid: CidJson, errInfo: string]; result: null };
  WorkerPing: { params: [info: WorkerInfo]; result: null };
  StoreReserveSpace: { params: [sid: SectorID, size: number, candidates: string[]]; result: StoreBasicInfo | null };
  StoreBasicInfo: { params: [instance: string]; result: StoreBasicInfo | null };
  WdPoStAllocateJobs: {
    params: [spec: AllocateWdPoStJobSpec, num: number, workerName: string];
    result: WdPoStAllocatedJob[];
  };
  WdPoStHeartbeatJobs: { params: [jobIds: string[], workerName: string]; result: null };
  WdPoStFinishJob: { params: [jobId: string, output: WindowPoStOutput | null, errorReason: string]; result: null };
  ListSectors: { params: [state: string | null]; result: SectorStateView[] };
  FindSector: { params: [sid: SectorID]; result: SectorDetail };
  WorkerPingInfoList: { params: []; result: WorkerPingInfo[] };
  ChainHead: { params: []; result: ChainHead };
  ListMessages: { params: []; result: ChainMessageView[] };
  SectorSetForRebuild: { params: [sid: SectorID, opts: RebuildOptions]; result: boolean };
  SectorSetForUnseal: { params: [req: UnsealRequest]; result: UnsealTaskView };
  ListUnsealTasks: { params: [state: UnsealState | null]; result: UnsealTaskView[] };
}

export type VenusMethod = keyof VenusMethods;
export type VenusParams<M extends VenusMethod> = VenusMethods[M]["params"];
export type VenusResult<M extends VenusMethod> = VenusMethods[M]["result"];

/** The wire name of a method: `Venus.<Method>`. */
export function venusMethodName(method: VenusMethod): string {
  return `Venus.${method}`;
}
