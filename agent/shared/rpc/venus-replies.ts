// The expected reply of every Venus.* method, checked by the client before a caller sees it: a forged or garbled
// reply (an `ID.Number` of "../x") is refused here, before anything builds a path from it. The manager's tests
// receive their replies through the same client, so they check the manager against these same shapes.
import { arrayOf, bool, type Check, listOf, nothing, nullable, ParamError, str } from "./value-checks.js";
import type { VenusMethod, VenusResult } from "./venus-methods.js";
import {
  allocatedSector,
  allocatedSnapUpSector,
  chainHead,
  chainMessageView,
  pollStateResp,
  sectorDetail,
  sectorPiece,
  sectorRebuildInfo,
  sectorStateResp,
  sectorStateView,
  sectorUnsealInfo,
  storeBasicInfo,
  submitResp,
  ticket,
  unsealTaskView,
  waitSeedResp,
  wdpostAllocatedJob,
  workerPingInfo,
} from "./venus-shapes.js";

export const venusReplies: { [M in VenusMethod]: Check<VenusResult<M>> } = {
  AllocateSector: nullable(allocatedSector),
  AcquireDeals: nullable(arrayOf(sectorPiece)),
  AssignTicket: ticket,
  SubmitPreCommit: submitResp,
  PollPreCommitState: pollStateResp,
  SubmitPersisted: bool,
  SubmitPersistedEx: bool,
  WaitSeed: waitSeedResp,
  SubmitProof: submitResp,
  PollProofState: pollStateResp,
  ReportState: sectorStateResp,
  ReportFinalized: nothing,
  ReportAborted: nothing,
  AllocateRebuildSector: nullable(sectorRebuildInfo),
  AllocateUnsealSector: nullable(sectorUnsealInfo),
  AllocateSanpUpSector: nullable(allocatedSnapUpSector),
  SubmitSnapUpProof: submitResp,
  AcquireUnsealDest: listOf(str),
  AchieveUnsealSector: nothing,
  WorkerPing: nothing,
  StoreReserveSpace: nullable(storeBasicInfo),
  StoreBasicInfo: nullable(storeBasicInfo),
  WdPoStAllocateJobs: listOf(wdpostAllocatedJob),
  WdPoStHeartbeatJobs: nothing,
  WdPoStFinishJob: nothing,
  ListSectors: listOf(sectorStateView),
  FindSector: sectorDetail,
  WorkerPingInfoList: listOf(workerPingInfo),
  ChainHead: chainHead,
  ListMessages: listOf(chainMessageView),
  SectorSetForRebuild: bool,
  SectorSetForUnseal: unsealTaskView,
  ListUnsealTasks: listOf(unsealTaskView),
};

/** A reply that is not the shape its method returns: the manager (or whoever answered) is not to be trusted. */
export class InvalidReplyError extends Error {
  override readonly name = "InvalidReplyError";
  constructor(
    readonly method: string,
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`Venus.${method}: reply refused: ${pointer || "/"}: ${problem}`);
  }
}

/** The reply, checked against its method's shape (unknown keys dropped), or an InvalidReplyError. */
export function checkVenusReply<M extends VenusMethod>(method: M, value: unknown): VenusResult<M> {
  try {
    return (venusReplies[method] as Check<VenusResult<M>>)(value, "");
  } catch (e) {
    if (e instanceof ParamError) throw new InvalidReplyError(method, e.pointer, e.problem);
    throw e;
  }
}
