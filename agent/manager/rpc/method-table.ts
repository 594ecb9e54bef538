// The Venus.* method table: permission, positional param checks, and the service call. One entry per method; an
// unknown name is MethodNotFound. Methods validate params, the services own the transactions.

import type { Permission } from "../../../components/core/auth/tokens.js";
import { arrayOf, bool, type Check, nonEmptyStr, nullable, str, u64 } from "../../shared/rpc/value-checks.js";
import type { VenusMethod, VenusMethods } from "../../shared/rpc/venus-methods.js";
import {
  acquireDealsSpec,
  allocatedSector,
  allocateSectorSpec,
  allocateSnapUpSpec,
  cidJson,
  preCommitInfo,
  proofInfo,
  rebuildOptions,
  reportStateReq,
  sectorId,
  snapUpOnChainInfo,
  unsealRequest,
  unsealState,
  wdpostJobSpec,
  windowPostOutput,
  workerInfo,
} from "../../shared/rpc/venus-shapes.js";
import { listMessages } from "../chain/message-records.js";
import type { ManagerContext } from "../context.js";
import { acquireDeals } from "../deals/deal.service.js";
import { allocateJobs, finishJob, heartbeatJobs } from "../post/wdpost.service.js";
import { allocateSector, assignTicket } from "../sectors/allocate.service.js";
import { pollPreCommitState, submitPreCommit, waitSeed } from "../sectors/precommit.service.js";
import { pollProofState, submitProof } from "../sectors/prove.service.js";
import { allocateRebuildSector, setForRebuild } from "../sectors/rebuild.service.js";
import { reportAborted, reportFinalized, reportState, submitPersisted } from "../sectors/report.service.js";
import { findSector, listSectors, sectorTimeline } from "../sectors/sector.repository.js";
import { sectorView, timelineEntry } from "../sectors/sector-view.js";
import { allocateSnapUpSector, submitSnapUpProof } from "../sectors/snapup.service.js";
import { storeBasicInfo, storeReserveSpace } from "../stores/persist-stores.js";
import {
  achieveUnsealSector,
  acquireUnsealDest,
  allocateUnsealSector,
  listUnsealTasks,
  setForUnseal,
} from "../unseal/unseal.service.js";
import { listWorkers, upsertWorker } from "../workers/worker.repository.js";
import { sectorNotFound } from "./rpc-errors.js";

export type { Permission };

export interface MethodSpec<M extends VenusMethod> {
  perm: Permission;
  /** Name and check of each positional param, in order. */
  params: readonly (readonly [string, Check<unknown>])[];
  run(ctx: ManagerContext, ...args: VenusMethods[M]["params"]): Promise<VenusMethods[M]["result"]>;
}

export type MethodTable = { [M in VenusMethod]: MethodSpec<M> };

async function dealCounts(ctx: ManagerContext): Promise<Map<string, number>> {
  const rows = await ctx.db
    .selectFrom("sector_pieces")
    .select(["miner", "number", (eb) => eb.fn.countAll<number>().as("n")])
    .where("deal_id", "!=", 0)
    .groupBy(["miner", "number"])
    .execute();
  return new Map(rows.map((r) => [`${r.miner}-${r.number}`, Number(r.n)]));
}

export const methodTable: MethodTable = {
  AllocateSector: { perm: "write", params: [["spec", allocateSectorSpec]], run: allocateSector },
  AllocateSanpUpSector: { perm: "write", params: [["spec", allocateSnapUpSpec]], run: allocateSnapUpSector },
  SubmitSnapUpProof: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["info", snapUpOnChainInfo],
    ],
    run: submitSnapUpProof,
  },
  AcquireDeals: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["spec", acquireDealsSpec],
    ],
    run: acquireDeals,
  },
  AssignTicket: { perm: "write", params: [["sid", sectorId]], run: assignTicket },
  SubmitPreCommit: {
    perm: "write",
    params: [
      ["sector", allocatedSector],
      ["info", preCommitInfo],
      ["reset", bool],
    ],
    run: submitPreCommit,
  },
  PollPreCommitState: { perm: "write", params: [["sid", sectorId]], run: pollPreCommitState },
  SubmitPersisted: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["instance", nonEmptyStr],
    ],
    run: (ctx, sid, instance) => submitPersisted(ctx, sid, instance, false),
  },
  SubmitPersistedEx: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["instance", nonEmptyStr],
      ["isUpgrade", bool],
    ],
    run: submitPersisted,
  },
  WaitSeed: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["proofType", u64],
    ],
    run: waitSeed,
  },
  SubmitProof: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["info", proofInfo],
      ["reset", bool],
    ],
    run: submitProof,
  },
  PollProofState: { perm: "write", params: [["sid", sectorId]], run: pollProofState },
  ReportState: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["req", reportStateReq],
    ],
    run: reportState,
  },
  ReportFinalized: { perm: "write", params: [["sid", sectorId]], run: reportFinalized },
  ReportAborted: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["reason", str],
    ],
    run: reportAborted,
  },
  AllocateRebuildSector: { perm: "write", params: [["spec", allocateSectorSpec]], run: allocateRebuildSector },
  AllocateUnsealSector: { perm: "write", params: [["spec", allocateSectorSpec]], run: allocateUnsealSector },
  AcquireUnsealDest: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["pieceCid", cidJson],
    ],
    run: (ctx, sid, cid) => acquireUnsealDest(ctx, sid, cid["/"]),
  },
  AchieveUnsealSector: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["pieceCid", cidJson],
      ["errInfo", str],
    ],
    run: (ctx, sid, cid, errInfo) => achieveUnsealSector(ctx, sid, cid["/"], errInfo),
  },
  WorkerPing: {
    perm: "write",
    params: [["info", workerInfo]],
    run: async (ctx, info) => {
      await upsertWorker(ctx.db, info, ctx.now());
      return null;
    },
  },
  StoreReserveSpace: {
    perm: "write",
    params: [
      ["sid", sectorId],
      ["size", u64],
      ["candidates", (v, p) => (v === null ? [] : arrayOf(str)(v, p))],
    ],
    run: storeReserveSpace,
  },
  StoreBasicInfo: {
    perm: "read",
    params: [["instance", str]],
    run: async (ctx, instance) => storeBasicInfo(ctx, instance),
  },
  WdPoStAllocateJobs: {
    perm: "write",
    params: [
      ["spec", wdpostJobSpec],
      ["num", u64],
      ["workerName", nonEmptyStr],
    ],
    run: allocateJobs,
  },
  WdPoStHeartbeatJobs: {
    perm: "write",
    params: [
      ["jobIds", arrayOf(str)],
      ["workerName", nonEmptyStr],
    ],
    run: heartbeatJobs,
  },
  WdPoStFinishJob: {
    perm: "write",
    params: [
      ["jobId", nonEmptyStr],
      ["output", windowPostOutput],
      ["errorReason", str],
    ],
    run: finishJob,
  },
  ListSectors: {
    perm: "read",
    params: [["state", nullable(str)]],
    run: async (ctx, state) => {
      const counts = await dealCounts(ctx);
      // "Faulty" and "Aborted" are derived states: filter after the view is built.
      const derived = state === "Faulty" || state === "Aborted";
      const rows = await listSectors(ctx.db, derived ? null : state);
      const views = rows.map((r) => sectorView(r, counts.get(`${r.miner}-${r.number}`) ?? 0));
      return state === null ? views : views.filter((v) => v.State === state);
    },
  },
  FindSector: {
    perm: "read",
    params: [["sid", sectorId]],
    run: async (ctx, sid) => {
      const row = await findSector(ctx.db, sid.Miner, sid.Number);
      if (row === undefined) throw sectorNotFound(sid);
      const counts = await dealCounts(ctx);
      const timeline = await sectorTimeline(ctx.db, sid.Miner, sid.Number);
      return {
        Sector: sectorView(row, counts.get(`${row.miner}-${row.number}`) ?? 0),
        Timeline: timeline.map(timelineEntry),
      };
    },
  },
  WorkerPingInfoList: { perm: "read", params: [], run: (ctx) => listWorkers(ctx.db) },
  ChainHead: {
    perm: "read",
    params: [],
    run: async (ctx) => ({ Height: ctx.chain.head(), BlockDelayMs: ctx.chain.config.blockTimeMs }),
  },
  ListMessages: { perm: "read", params: [], run: listMessages },
  SectorSetForRebuild: {
    perm: "admin",
    params: [
      ["sid", sectorId],
      ["opts", rebuildOptions],
    ],
    run: setForRebuild,
  },
  SectorSetForUnseal: { perm: "admin", params: [["req", unsealRequest]], run: setForUnseal },
  ListUnsealTasks: { perm: "read", params: [["state", nullable(unsealState)]], run: listUnsealTasks },
};
