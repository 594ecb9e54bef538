// The manager's sealing messages, through the chain gateway. Each pump cycle:
//   1. batches queued PreCommits/ProveCommits into a message record (per-kind max batch or max wait), in one
//      transaction with the sectors that go in it;
//   2. pushes every record not yet accepted (message-records.ts: same MsgUuid on every try);
//   3. follows every pushed message to its receipt and applies it: PreCommit landed (its epoch), sectors Active
//      (deadline from StateMinerPartitions) or failed with the actor's exit code.
// A temporary chain failure leaves everything as it is, to be retried next cycle; a permanent one (the actor
// refused) fails the sectors for good with the exit code and the reason.
import type { Transaction, Updateable } from "kysely";
import { sealProofInfo } from "../../../components/core/proofs/registered-proofs.js";
import { fromBase64 } from "../../shared/rpc/bytes.js";
import type { MinerConfig } from "../config/manager-config.js";
import type { ManagerContext } from "../context.js";
import type { Database } from "../db/database.js";
import type { MessagesTable } from "../db/tables/chain.table.js";
import type { SectorChainState, SectorsTable } from "../db/tables/sectors.table.js";
import { zeroCommitment } from "../proofs/comm-d.js";
import { commitmentFromPieceCid } from "../proofs/piece-cid.js";
import { appendTimeline, managerTimelineEntry } from "../sectors/sector.repository.js";
import { sectorPieces } from "../sectors/sector-pieces.repository.js";
import { followReplicaUpdates } from "../sectors/snapup-chain.js";
import { decodeBatchReturn } from "./batch-return.js";
import { minerAddress } from "./chain-gateway.js";
import { parseCid, sealedCid, unsealedCid } from "./filecoin/cid.js";
import { exitCodeName, isRetryableExitCode } from "./filecoin/exit-codes.js";
import { MinerMethod } from "./filecoin/miner-methods.js";
import type { SectorPreCommitInfo } from "./filecoin/miner-params.js";
import { setFromRanges } from "./filecoin/rle-plus.js";
import type { Message } from "./lotus/lotus-shapes.js";
import {
  followRecord,
  insertMessageRecord,
  markLanded,
  methodName,
  openRecords,
  pushRecord,
  recordSectors,
  reportedBefore,
  timelineForSectors,
} from "./message-records.js";
import { preCommitBatchMessage, proveCommitMessage } from "./sealing-messages.js";

type SealingKind = "precommit" | "provecommit";

const STAGE = { precommit: "pc_stage", provecommit: "proof_stage" } as const;
const QUEUED_AT = { precommit: "pc_queued_at", provecommit: "proof_queued_at" } as const;
const MSG = { precommit: "pc_msg", provecommit: "proof_msg" } as const;
const DESC = { precommit: "pc_desc", provecommit: "proof_desc" } as const;
const SENT_STATE: Record<SealingKind, SectorChainState> = { precommit: "PreCommitSent", provecommit: "ProofSent" };
const QUEUED_STATE: Record<SealingKind, SectorChainState> = {
  precommit: "PreCommitQueued",
  provecommit: "ProofQueued",
};
const FAILED_STATE: Record<SealingKind, SectorChainState> = {
  precommit: "PreCommitFailed",
  provecommit: "ProofFailed",
};
const METHOD: Record<SealingKind, number> = {
  precommit: MinerMethod.PreCommitSectorBatch2,
  provecommit: MinerMethod.ProveCommitSectors3,
};

/** Lotus' CommittedCapacitySectorLifetime default: 540 days of 2880 epochs. */
export const SECTOR_LIFETIME_EPOCHS = 540 * 2880;

/** Records at most one batch per call; returns whether it did. */
export async function recordBatch(ctx: ManagerContext, miner: MinerConfig, kind: SealingKind): Promise<boolean> {
  const { maxBatch, maxWaitMs } = ctx.config.batching[kind];
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("sectors")
      .select(["number", QUEUED_AT[kind]])
      .where("miner", "=", miner.actor)
      .where(STAGE[kind], "=", "queued")
      .orderBy(QUEUED_AT[kind])
      .orderBy("number")
      .limit(maxBatch);
    if (ctx.rowLocks) q = q.forUpdate();
    const rows = await q.execute();
    if (rows.length === 0) return false;
    const oldest = Number((rows[0] as Record<string, unknown>)[QUEUED_AT[kind]] ?? 0);
    if (rows.length < maxBatch && ctx.now() - oldest < maxWaitMs) return false;
    const numbers = rows.map((r) => r.number);
    const { id } = await insertMessageRecord(ctx, trx, {
      miner: miner.actor,
      kind,
      method: METHOD[kind],
      sectors: numbers,
      maxFee: ctx.config.chain.maxFee[kind],
    });
    await trx
      .updateTable("sectors")
      .set({ [STAGE[kind]]: "sent", [MSG[kind]]: id, state: SENT_STATE[kind], updated_at: ctx.now() })
      .where("miner", "=", miner.actor)
      .where("number", "in", numbers)
      .execute();
    return true;
  });
}

async function sectorsOf(ctx: ManagerContext, msg: MessagesTable): Promise<SectorsTable[]> {
  const kind = msg.kind as SealingKind;
  return ctx.db
    .selectFrom("sectors")
    .selectAll()
    .where("miner", "=", msg.miner)
    .where(MSG[kind], "=", msg.id)
    .orderBy("number")
    .execute();
}

const hexBytes = (hex: string | null) => new Uint8Array(Buffer.from(hex ?? "", "hex"));

/** The PreCommit of one sector as the miner actor takes it. The expiration counts from the record's epoch, so a
 * push repeated later builds the same message. */
function preCommitInfo(s: SectorsTable, recordEpoch: number): SectorPreCommitInfo {
  const size = sealProofInfo(s.proof_type)?.sectorSizeBytes ?? 0;
  const commD = hexBytes(s.pc_comm_d);
  const cc = Buffer.compare(Buffer.from(commD), zeroCommitment(size)) === 0;
  return {
    sealProof: s.proof_type,
    sectorNumber: s.number,
    sealedCid: sealedCid(hexBytes(s.pc_comm_r)),
    sealRandEpoch: s.pc_ticket_epoch ?? 0,
    dealIds: [],
    expiration: recordEpoch + SECTOR_LIFETIME_EPOCHS,
    unsealedCid: cc ? null : unsealedCid(commD),
  };
}

/** The message of a record, built from its sectors; deposits and pledge as the chain says they are. */
async function buildMessage(ctx: ManagerContext, msg: MessagesTable, sectors: SectorsTable[]): Promise<Message> {
  const miner = minerAddress(msg.miner);
  const worker = await ctx.chain.worker(msg.miner);
  const infos = sectors.map((s) => preCommitInfo(s, msg.sent_epoch));
  if (msg.kind === "precommit") {
    let value = 0n;
    for (const info of infos) value += await ctx.chain.client.stateMinerPreCommitDepositForPower(miner, info);
    return preCommitBatchMessage({ miner, worker, sectors: infos, value });
  }
  let value = 0n;
  for (const info of infos) value += await ctx.chain.client.stateMinerInitialPledgeCollateral(miner, info);
  const withPieces = [];
  for (const s of sectors) {
    const pieces = await sectorPieces(ctx.db, s.miner, s.number);
    withPieces.push({
      number: s.number,
      proof: fromBase64(s.proof ?? "") ?? new Uint8Array(0),
      pieces: pieces
        .filter((p) => commitmentFromPieceCid(p.piece_cid) !== null)
        .map((p) => ({ cid: parseCid(p.piece_cid), size: p.padded_size })),
    });
  }
  // One proof per sector: workers prove sectors one by one and nothing here aggregates proofs (SnarkPack).
  return proveCommitMessage({ miner, worker, sectors: withPieces, value });
}

/** A permanent failure of the whole message: every sector in it fails with the reason (PollXState PermFailed). */
async function failMessage(
  ctx: ManagerContext,
  msg: MessagesTable,
  exitCode: number | null,
  error: string,
  receipt?: { exitCode: number; height: number; gasUsed: number },
) {
  const kind = msg.kind as SealingKind;
  await ctx.db.transaction().execute(async (trx) => {
    if (receipt !== undefined) await markLanded(trx, msg, receipt, error);
    else
      await trx
        .updateTable("messages")
        .set({ state: "failed", exit_code: exitCode, error, chain_error: null })
        .where("id", "=", msg.id)
        .execute();
    await moveSectorsOf(trx, ctx, msg, { [STAGE[kind]]: "permfailed", [DESC[kind]]: error }, FAILED_STATE[kind], error);
  });
}

/**
 * Moves the sectors a message still carries (a reset may have moved one on) from its sent state to `state`, with
 * `patch` on their columns, and writes the step to their timelines.
 */
async function moveSectorsOf(
  trx: Transaction<Database>,
  ctx: ManagerContext,
  msg: MessagesTable,
  patch: Updateable<SectorsTable>,
  state: SectorChainState,
  event: string,
): Promise<void> {
  const kind = msg.kind as SealingKind;
  await trx
    .updateTable("sectors")
    .set({ ...patch, state, updated_at: ctx.now() })
    .where("miner", "=", msg.miner)
    .where(MSG[kind], "=", msg.id)
    .execute();
  await timelineForSectors(trx, ctx, msg, SENT_STATE[kind], state, event);
}

/** Pushes one pending record; a refusal fails its sectors with the actor's reason. */
async function push(ctx: ManagerContext, msg: MessagesTable): Promise<void> {
  const kind = msg.kind as SealingKind;
  const r = await pushRecord(ctx, msg, async () => buildMessage(ctx, msg, await sectorsOf(ctx, msg)), {
    prev: SENT_STATE[kind],
    next: SENT_STATE[kind],
  });
  if ("refused" in r) await failMessage(ctx, msg, r.exitCode, r.refused);
}

/** Where the chain put an Active sector: its deadline (StateMinerPartitions, deadline by deadline). */
async function deadlineOf(ctx: ManagerContext, minerActor: number, numbers: number[]): Promise<Map<number, number>> {
  const miner = minerAddress(minerActor);
  const wanted = new Set(numbers);
  const found = new Map<number, number>();
  const { periodDeadlines } = await ctx.chain.client.stateMinerProvingDeadline(miner);
  for (let d = 0; d < periodDeadlines && found.size < wanted.size; d++)
    for (const p of await ctx.chain.client.stateMinerPartitions(miner, d))
      for (const n of setFromRanges(p.allSectors)) if (wanted.has(n)) found.set(n, d);
  return found;
}

/** Applies the receipt of a landed message. */
async function land(
  ctx: ManagerContext,
  msg: MessagesTable,
  outcome: { exitCode: number; height: number; return: Uint8Array; gasUsed: number },
): Promise<void> {
  const kind = msg.kind as SealingKind;
  const what = `${methodName(msg.method)} ${msg.cid} landed at epoch ${outcome.height}`;
  if (outcome.exitCode !== 0 && isRetryableExitCode(outcome.exitCode)) {
    // Funds or gas: the same sectors go into a new message once the miner can pay.
    await ctx.db.transaction().execute(async (trx) => {
      await markLanded(trx, msg, outcome, `${exitCodeName(outcome.exitCode)}: its sectors are queued again`);
      await moveSectorsOf(
        trx,
        ctx,
        msg,
        { [STAGE[kind]]: "queued", [MSG[kind]]: null },
        QUEUED_STATE[kind],
        `${what}: ${exitCodeName(outcome.exitCode)}; queued again`,
      );
    });
    return;
  }
  if (outcome.exitCode !== 0)
    return failMessage(ctx, msg, outcome.exitCode, `${what}: ${exitCodeName(outcome.exitCode)}`, outcome);
  const numbers = recordSectors(msg);
  const failed = new Map<number, number>();
  let deadlines = new Map<number, number>();
  if (kind === "provecommit") {
    for (const f of decodeBatchReturn(outcome.return).failCodes) {
      const n = numbers[f.index];
      if (n !== undefined) failed.set(n, f.code);
    }
    deadlines = await deadlineOf(
      ctx,
      msg.miner,
      numbers.filter((n) => !failed.has(n)),
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    await markLanded(trx, msg, outcome);
    for (const n of numbers) {
      // Only while the sector is still in this message (a reset may have moved it on).
      const set = (patch: Updateable<SectorsTable>) =>
        trx
          .updateTable("sectors")
          .set(patch)
          .where("miner", "=", msg.miner)
          .where("number", "=", n)
          .where(MSG[kind], "=", msg.id)
          .execute();
      const sid = { Miner: msg.miner, Number: n };
      if (kind === "precommit") {
        await set({ pc_stage: "landed", pc_epoch: outcome.height, state: "PreCommitLanded", updated_at: now });
        await appendTimeline(trx, managerTimelineEntry(sid, now, "PreCommitSent", "PreCommitLanded", what));
        continue;
      }
      const code = failed.get(n);
      const deadline = deadlines.get(n);
      if (code !== undefined || deadline === undefined) {
        const why =
          code !== undefined
            ? `${what}, but sector ${n} was not activated: ${exitCodeName(code)}`
            : `${what}, but sector ${n} is in no partition of the miner`;
        await set({ proof_stage: "permfailed", proof_desc: why, state: "ProofFailed", updated_at: now });
        await appendTimeline(trx, managerTimelineEntry(sid, now, "ProofSent", "ProofFailed", why));
        continue;
      }
      await set({
        proof_stage: "landed",
        proof_desc: null,
        state: "Active",
        active_epoch: outcome.height,
        deadline,
        updated_at: now,
      });
      await appendTimeline(trx, managerTimelineEntry(sid, now, "ProofSent", "Active", `${what}, deadline ${deadline}`));
    }
  });
}

/** Follows one pushed message to its receipt. */
async function follow(ctx: ManagerContext, msg: MessagesTable): Promise<void> {
  const outcome = await followRecord(ctx, msg);
  if (outcome !== null) await land(ctx, msg, outcome);
}

export async function pumpMessages(ctx: ManagerContext): Promise<void> {
  for (const miner of ctx.config.miners) {
    while (await recordBatch(ctx, miner, "precommit"));
    while (await recordBatch(ctx, miner, "provecommit"));
  }
  // Each record on its own: one message the chain keeps refusing for a while (a temporary failure) must not hold
  // back the others; the first failure is rethrown once every record had its turn, for the pump to log (one the
  // pump has logged already, a record stuck for the same reason as last cycle, only when there is nothing newer).
  let failure: { error: unknown } | undefined;
  const attempt = async (step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      if (failure === undefined || (reportedBefore(failure.error) && !reportedBefore(error))) failure = { error };
    }
  };
  for (const msg of await openRecords(ctx, ["precommit", "provecommit"]))
    await attempt(() => (msg.state === "pending" ? push(ctx, msg) : follow(ctx, msg)));
  await attempt(() => followReplicaUpdates(ctx));
  if (failure !== undefined) throw failure.error;
}
