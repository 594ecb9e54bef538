// WindowPoSt: a job per (miner, deadline window: StateMinerProvingDeadline) with the active sectors assigned to that
// deadline and the chain's challenge, handed to PoSt workers through Venus.WdPoSt*; the proof goes to the chain as
// SubmitWindowedPoSt (wdpost-chain.ts), which verifies it. Sectors of a failed or missed job become faulty; a later
// proof that lands recovers them (declared recovered first).

import { sealProofInfo } from "../../../components/core/proofs/registered-proofs.js";
import { fromBase64 } from "../../shared/rpc/bytes.js";
import type {
  AllocateWdPoStJobSpec,
  WdPoStAllocatedJob,
  WdPoStInput,
  WindowPoStOutput,
} from "../../shared/rpc/venus-types.js";
import { minerAddress } from "../chain/chain-gateway.js";
import type { ManagerContext } from "../context.js";
import type { WdPostJobsTable } from "../db/tables/wdpost.table.js";
import { generic } from "../rpc/rpc-errors.js";
import { wdpostJobId } from "./job-id.js";
import { followWindowPoSts, submitWindowPoSt } from "./wdpost-chain.js";

async function setFaulty(ctx: ManagerContext, miner: number, numbers: number[], faulty: 0 | 1): Promise<void> {
  if (numbers.length === 0) return;
  await ctx.db
    .updateTable("sectors")
    .set({ faulty, updated_at: ctx.now() })
    .where("miner", "=", miner)
    .where("number", "in", numbers)
    .execute();
}

function jobSectors(job: WdPostJobsTable): number[] {
  return (JSON.parse(job.input) as WdPoStInput).Sectors.map((s) => s.SectorId);
}

/** Creates the job for the current deadline window of each miner (StateMinerProvingDeadline), if it has sectors
 * and no job yet. */
export async function createDeadlineJobs(ctx: ManagerContext): Promise<number> {
  let created = 0;
  for (const miner of ctx.config.miners) {
    const d = await ctx.chain.client.stateMinerProvingDeadline(minerAddress(miner.actor));
    const existing = await ctx.db
      .selectFrom("wdpost_jobs")
      .select("id")
      .where("miner", "=", miner.actor)
      .where("open_epoch", "=", d.open)
      .executeTakeFirst();
    if (existing) continue;
    const sectors = await ctx.db
      .selectFrom("sectors")
      .selectAll()
      .where("miner", "=", miner.actor)
      .where("state", "=", "Active")
      .where("deadline", "=", d.index)
      .where("active_epoch", "<", d.open)
      .orderBy("number")
      .execute();
    if (sectors.length === 0) continue;
    // The challenge the chain checks the proof against: WindowedPoStChallengeSeed at the deadline's challenge epoch.
    const seed = Buffer.from(await ctx.chain.gateway.windowPoStChallenge(miner.actor, d.challenge));
    seed[31] = (seed[31] ?? 0) & 0x3f;
    const input: WdPoStInput = {
      Sectors: sectors.map((s) => {
        // An upgraded sector proves its update replica (update/ and update-cache/ of the store it was persisted to).
        const upgraded = s.snap_state === "upgraded";
        const instance = (upgraded ? s.snap_instance : s.persist_instance) ?? "";
        return {
          SectorId: s.number,
          CommR: Array.from(Buffer.from((upgraded ? s.snap_comm_r : s.pc_comm_r) ?? "", "hex")),
          Upgrade: upgraded,
          Accesses: { SealedFile: instance, CacheDir: instance },
        };
      }),
      MinerId: miner.actor,
      ProofType: sealProofInfo(miner.sealProof)?.windowPostProof ?? "",
      Seed: Array.from(seed),
    };
    const json = JSON.stringify(input);
    await ctx.db
      .insertInto("wdpost_jobs")
      .values({
        id: wdpostJobId(json),
        miner: miner.actor,
        deadline: d.index,
        open_epoch: d.open,
        close_epoch: d.close,
        input: json,
        state: "ready2run",
        try_num: 0,
        worker: null,
        heartbeat_at: null,
        created_at: ctx.now(),
        finished_at: null,
        succeeded: null,
        error: null,
        msg: null,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    created++;
  }
  return created;
}

async function finishFailed(ctx: ManagerContext, job: WdPostJobsTable, error: string, retry: boolean): Promise<void> {
  if (retry && job.try_num < ctx.config.post.jobMaxTry) {
    await ctx.db
      .updateTable("wdpost_jobs")
      .set({ state: "ready2run", worker: null, heartbeat_at: null, error })
      .where("id", "=", job.id)
      .execute();
    return;
  }
  await ctx.db
    .updateTable("wdpost_jobs")
    .set({ state: "finished", succeeded: 0, error, finished_at: ctx.now() })
    .where("id", "=", job.id)
    .execute();
  await setFaulty(ctx, job.miner, jobSectors(job), 1);
}

/** Heartbeat timeouts (retried up to job_max_try) and windows that closed without a valid proof. */
export async function expireJobs(ctx: ManagerContext): Promise<void> {
  const stale = await ctx.db
    .selectFrom("wdpost_jobs")
    .selectAll()
    .where("state", "=", "running")
    .where("heartbeat_at", "<", ctx.now() - ctx.config.post.heartbeatTimeoutMs)
    .execute();
  for (const job of stale) await finishFailed(ctx, job, "heartbeat timeout", true);
  const closed = await ctx.db
    .selectFrom("wdpost_jobs")
    .selectAll()
    .where("state", "in", ["ready2run", "running"])
    .where("close_epoch", "<=", ctx.chain.head())
    .execute();
  for (const job of closed) await finishFailed(ctx, job, "deadline closed before a proof was submitted", false);
}

export async function allocateJobs(
  ctx: ManagerContext,
  spec: AllocateWdPoStJobSpec,
  num: number,
  workerName: string,
): Promise<WdPoStAllocatedJob[]> {
  const ready = await ctx.db
    .selectFrom("wdpost_jobs")
    .selectAll()
    .where("state", "=", "ready2run")
    .orderBy("created_at")
    .execute();
  const out: WdPoStAllocatedJob[] = [];
  for (const job of ready) {
    if (out.length >= num) break;
    const input = JSON.parse(job.input) as WdPoStInput;
    if (spec.AllowedMiners && spec.AllowedMiners.length > 0 && !spec.AllowedMiners.includes(job.miner)) continue;
    if (
      spec.AllowedProofTypes &&
      spec.AllowedProofTypes.length > 0 &&
      !spec.AllowedProofTypes.includes(input.ProofType)
    )
      continue;
    // Conditional update: of two concurrent allocators, only one moves the job.
    const res = await ctx.db
      .updateTable("wdpost_jobs")
      .set({ state: "running", try_num: job.try_num + 1, worker: workerName, heartbeat_at: ctx.now() })
      .where("id", "=", job.id)
      .where("state", "=", "ready2run")
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) out.push({ Id: job.id, Input: input });
  }
  return out;
}

export async function heartbeatJobs(ctx: ManagerContext, ids: string[], workerName: string): Promise<null> {
  if (ids.length === 0) return null;
  await ctx.db
    .updateTable("wdpost_jobs")
    .set({ heartbeat_at: ctx.now() })
    .where("id", "in", ids)
    .where("state", "=", "running")
    .where("worker", "=", workerName)
    .execute();
  return null;
}

export async function finishJob(
  ctx: ManagerContext,
  id: string,
  output: WindowPoStOutput | null,
  errorReason: string,
): Promise<null> {
  const job = await ctx.db.selectFrom("wdpost_jobs").selectAll().where("id", "=", id).executeTakeFirst();
  if (job === undefined) throw generic(`WdPoStFinishJob: param 0 (jobId): no job ${JSON.stringify(id)}`);
  if (job.state !== "running") throw generic(`WdPoStFinishJob: job ${id} is ${job.state}, not running`);
  if (output === null || errorReason !== "") {
    await finishFailed(ctx, job, errorReason || "no output", true);
    return null;
  }
  const input = JSON.parse(job.input) as WdPoStInput;
  // Only the job's own sectors can be declared faulty by it.
  const inJob = new Set(input.Sectors.map((s) => s.SectorId));
  const faults = new Set(output.faults.filter((n) => inJob.has(n)));
  for (const p of output.proofs)
    if (fromBase64(p) === null) throw generic("WdPoStFinishJob: param 1 (output): /proofs: expected base64 strings");
  const replicas = input.Sectors.filter((s) => !faults.has(s.SectorId)).map((s) => ({
    sector_id: s.SectorId,
    comm_r: s.CommR,
  }));
  // A proof over no sectors proves nothing: the window is missed (every sector of the job faulty), never "verified".
  if (replicas.length === 0) {
    await finishFailed(ctx, job, "invalid WindowPoSt: it proves no sectors (every sector declared faulty)", false);
    return null;
  }
  const sent = await submitWindowPoSt(ctx, job, output.proofs, new Set(replicas.map((r) => r.sector_id)));
  if ("error" in sent) await finishFailed(ctx, job, sent.error, sent.retry);
  return null;
}

/** The end of a submitted job: its message landed (error null: the proven sectors are healthy) or failed. */
async function finishSubmitted(ctx: ManagerContext, job: WdPostJobsTable, proven: number[], error: string | null) {
  if (error !== null) {
    await finishFailed(ctx, job, error, false);
    return;
  }
  await ctx.db
    .updateTable("wdpost_jobs")
    .set({ state: "finished", succeeded: 1, error: null, finished_at: ctx.now() })
    .where("id", "=", job.id)
    .execute();
  const inProof = new Set(proven);
  // The job's sectors the proof skipped (declared faults) are faulty; the proven ones are healthy again.
  await setFaulty(
    ctx,
    job.miner,
    jobSectors(job).filter((n) => !inProof.has(n)),
    1,
  );
  await setFaulty(ctx, job.miner, proven, 0);
}

export async function postTick(ctx: ManagerContext): Promise<void> {
  await followWindowPoSts(ctx, (job, proven, error) => finishSubmitted(ctx, job, proven, error));
  await expireJobs(ctx);
  await createDeadlineJobs(ctx);
}
