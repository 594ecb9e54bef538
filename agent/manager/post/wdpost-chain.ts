// A WindowPoSt job's proof on the chain: SubmitWindowedPoSt for the partitions of its deadline (from
// StateMinerPartitions), with the sectors it does not prove skipped, preceded by DeclareFaultsRecovered for sectors
// the chain has faulty that the proof covers. The job finishes when the message lands: exit 0 proves its sectors
// (faulty cleared), anything else fails it (its sectors faulty). A refused push fails the job at once.
import { fromBase64 } from "../../shared/rpc/bytes.js";
import { minerAddress } from "../chain/chain-gateway.js";
import { exitCodeName } from "../chain/filecoin/exit-codes.js";
import { MinerMethod, proofTypesForSeal } from "../chain/filecoin/miner-methods.js";
import { type BitRange, rangesFromSet, setFromRanges } from "../chain/filecoin/rle-plus.js";
import { ChainError } from "../chain/lotus/chain-errors.js";
import { DomainSeparationTag } from "../chain/lotus/lotus-shapes.js";
import {
  followRecord,
  insertMessageRecord,
  markLanded,
  openRecords,
  pushRecord,
  recordSectors,
  storedMessage,
} from "../chain/message-records.js";
import { declareRecoveredMessage, windowPoStMessage } from "../chain/sealing-messages.js";
import type { ManagerContext } from "../context.js";
import type { MessagesTable } from "../db/tables/chain.table.js";
import type { WdPostJobsTable } from "../db/tables/wdpost.table.js";

export interface PoStPlan {
  partitions: { index: number; skipped: BitRange[] }[];
  /** Sectors the chain has faulty (not recovering) that the proof covers: declared recovered first. */
  recoveries: { deadline: number; partition: number; sectors: BitRange[] }[];
  proven: number[];
}

/**
 * Which partitions a proof over `proven` sectors covers, what each skips (every sector of the partition the proof
 * does not cover) and what must be declared recovered. Pure.
 */
export function planPoSt(
  deadline: number,
  partitions: { allSectors: BitRange[]; faultySectors: BitRange[]; recoveringSectors: BitRange[] }[],
  proven: ReadonlySet<number>,
): PoStPlan {
  const plan: PoStPlan = { partitions: [], recoveries: [], proven: [] };
  partitions.forEach((p, index) => {
    const all = setFromRanges(p.allSectors);
    const covered = all.filter((n) => proven.has(n));
    if (covered.length === 0) return;
    plan.partitions.push({ index, skipped: rangesFromSet(all.filter((n) => !proven.has(n))) });
    plan.proven.push(...covered);
    const faulty = new Set(setFromRanges(p.faultySectors));
    const recovering = new Set(setFromRanges(p.recoveringSectors));
    const recover = covered.filter((n) => faulty.has(n) && !recovering.has(n));
    if (recover.length > 0) plan.recoveries.push({ deadline, partition: index, sectors: rangesFromSet(recover) });
  });
  return plan;
}

export type SubmitOutcome = { submitted: true } | { error: string; retry: boolean };

/** Sends the proof of a finished job. The job is "submitted" (pointing at its message) when this returns so. */
export async function submitWindowPoSt(
  ctx: ManagerContext,
  job: WdPostJobsTable,
  proofs: string[],
  proven: ReadonlySet<number>,
): Promise<SubmitOutcome> {
  const minerConfig = ctx.config.miners.find((m) => m.actor === job.miner);
  if (minerConfig === undefined) return { error: `miner ${job.miner} is not configured`, retry: false };
  const miner = minerAddress(job.miner);
  let plan: PoStPlan;
  let worker: string;
  let commitEpoch: number;
  let commitRand: Uint8Array;
  try {
    worker = await ctx.chain.worker(job.miner);
    plan = planPoSt(job.deadline, await ctx.chain.client.stateMinerPartitions(miner, job.deadline), proven);
    commitEpoch = ctx.chain.head();
    commitRand = await ctx.chain.client.stateGetRandomnessFromTickets(
      DomainSeparationTag.PoStChainCommit,
      commitEpoch,
      new Uint8Array(0),
    );
  } catch (error) {
    if (!(error instanceof ChainError)) throw error;
    // Nothing was sent: the job goes back to the queue (a temporary failure) or fails.
    return { error: `the chain did not answer: ${error.message}`, retry: error.temporary };
  }
  if (plan.partitions.length === 0)
    return {
      error: `invalid WindowPoSt: none of its sectors is in a partition of deadline ${job.deadline} on the chain`,
      retry: false,
    };
  const post = windowPoStMessage({
    miner,
    worker,
    deadline: job.deadline,
    partitions: plan.partitions,
    proofType: proofTypesForSeal(minerConfig.sealProof).windowPoSt,
    proofs: proofs.map((b64) => fromBase64(b64) ?? new Uint8Array(0)),
    chainCommitEpoch: commitEpoch,
    chainCommitRand: commitRand,
  });
  const recovery =
    plan.recoveries.length === 0 ? undefined : declareRecoveredMessage({ miner, worker, recoveries: plan.recoveries });
  // Both records and the job's move in one transaction: after a crash the pump pushes whatever is still pending.
  const records = await ctx.db.transaction().execute(async (trx) => {
    const rec =
      recovery === undefined
        ? undefined
        : await insertMessageRecord(ctx, trx, {
            miner: job.miner,
            kind: "recovery",
            method: MinerMethod.DeclareFaultsRecovered,
            sectors: plan.recoveries.flatMap((r) => setFromRanges(r.sectors)),
            maxFee: ctx.config.chain.maxFee.recovery,
            message: recovery,
          });
    const wd = await insertMessageRecord(ctx, trx, {
      miner: job.miner,
      kind: "wdpost",
      method: MinerMethod.SubmitWindowedPoSt,
      sectors: plan.proven,
      maxFee: ctx.config.chain.maxFee.wdpost,
      message: post,
    });
    await trx.updateTable("wdpost_jobs").set({ state: "submitted", msg: wd.id }).where("id", "=", job.id).execute();
    return { rec, wd };
  });
  // Push now, so a proof the chain refuses fails the job in the worker's call; a temporary failure is retried by
  // the pump. The recovery goes first: the node executes messages in nonce order.
  const ordered = [records.rec, records.wd].filter((r): r is MessagesTable => r !== undefined);
  for (const r of ordered) {
    const pushed = await pushRecord(ctx, r, async () => storedMessage(r));
    if ("refused" in pushed) {
      // What comes after a refused recovery is not sent either.
      await ctx.db
        .updateTable("messages")
        .set({ state: "failed", error: `not sent: ${pushed.refused}` })
        .where(
          "id",
          "in",
          ordered.map((o) => o.id),
        )
        .where("state", "=", "pending")
        .execute();
      return { error: `invalid WindowPoSt: ${pushed.refused}`, retry: false };
    }
    if ("waiting" in pushed) break;
  }
  return { submitted: true };
}

/** Pushes what is pending and applies what landed; `finish` ends a job (the service's own bookkeeping). */
export async function followWindowPoSts(
  ctx: ManagerContext,
  finish: (job: WdPostJobsTable, proven: number[], error: string | null) => Promise<void>,
): Promise<void> {
  for (const msg of await openRecords(ctx, ["recovery", "wdpost"])) {
    const job =
      msg.kind === "wdpost"
        ? await ctx.db.selectFrom("wdpost_jobs").selectAll().where("msg", "=", msg.id).executeTakeFirst()
        : undefined;
    if (msg.state === "pending") {
      const pushed = await pushRecord(ctx, msg, async () => storedMessage(msg));
      if ("refused" in pushed && job !== undefined) await finish(job, [], `invalid WindowPoSt: ${pushed.refused}`);
      continue;
    }
    const outcome = await followRecord(ctx, msg);
    if (outcome === null) continue;
    const error =
      outcome.exitCode === 0
        ? null
        : `SubmitWindowedPoSt ${msg.cid} landed at epoch ${outcome.height}: ${exitCodeName(outcome.exitCode)}`;
    await ctx.db.transaction().execute((trx) => markLanded(trx, msg, outcome, error));
    if (job !== undefined) await finish(job, recordSectors(msg), error);
  }
}
