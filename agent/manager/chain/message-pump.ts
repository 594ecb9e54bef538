// The manager's sealing messages, through the chain gateway. Each pump cycle:
//   1. batches queued PreCommits/ProveCommits into a message record (per-kind max batch or max wait), in one
//      transaction with the sectors that go in it;
//   2. pushes every record not yet accepted (MpoolPushMessage with a MsgUuid derived from the record id, so a push
//      retried after a crash, a timeout or a node restart answers the same message and cannot double-send);
//   3. asks for the outcome of every pushed message (StateSearchMsg, `confidence` epochs on top) and applies it.
// A temporary chain failure leaves everything as it is, to be retried next cycle, and is written once per episode
// to the timeline of the sectors waiting on it; a permanent one (the actor refused) fails the sectors for good with
// the exit code and the reason.
import type { Transaction, Updateable } from "kysely";
import { fromBase64 } from "../../shared/rpc/bytes.js";
import type { MinerConfig } from "../config/manager-config.js";
import type { ManagerContext } from "../context.js";
import type { Database } from "../db/database.js";
import type { MessageKind, MessagesTable } from "../db/tables/chain.table.js";
import type { SectorChainState, SectorsTable } from "../db/tables/sectors.table.js";
import { zeroCommitment } from "../proofs/comm-d.js";
import { commitmentFromPieceCid } from "../proofs/piece-cid.js";
import { sealProofInfo } from "../proofs/proof-types.js";
import { appendTimeline, managerTimelineEntry, takeCounter } from "../sectors/sector.repository.js";
import { sectorPieces } from "../sectors/sector-pieces.repository.js";
import { decodeBatchReturn } from "./batch-return.js";
import { minerAddress } from "./chain-gateway.js";
import { formatFil } from "./filecoin/big-int.js";
import { parseCid, sealedCid, unsealedCid } from "./filecoin/cid.js";
import { exitCodeName, isRetryableExitCode } from "./filecoin/exit-codes.js";
import { MinerMethod, minerMethodName } from "./filecoin/miner-methods.js";
import type { SectorPreCommitInfo } from "./filecoin/miner-params.js";
import { setFromRanges } from "./filecoin/rle-plus.js";
import { ChainError } from "./lotus/chain-errors.js";
import type { Message } from "./lotus/lotus-shapes.js";
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

export function methodName(method: number | null): string {
  return method === null ? "?" : (minerMethodName(method) ?? `method ${method}`);
}

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
    const id = `${kind}-${miner.actor}-${await takeCounter(trx, "message", 1)}`;
    const numbers = rows.map((r) => r.number);
    await trx
      .insertInto("messages")
      .values({
        id,
        miner: miner.actor,
        kind,
        sent_epoch: ctx.chain.head(),
        sectors: rows.length,
        state: "pending",
        created_at: ctx.now(),
        cid: null,
        method: METHOD[kind],
        sector_numbers: JSON.stringify(numbers),
        max_fee: ctx.config.chain.maxFee[kind].toString(),
        value: null,
        exit_code: null,
        landed_epoch: null,
        gas_used: null,
        error: null,
        chain_error: null,
      })
      .execute();
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

async function timelineForSectors(
  trx: Transaction<Database>,
  ctx: ManagerContext,
  msg: MessagesTable,
  prev: string,
  next: string,
  event: string,
): Promise<void> {
  for (const n of JSON.parse(msg.sector_numbers ?? "[]") as number[])
    await appendTimeline(trx, managerTimelineEntry({ Miner: msg.miner, Number: n }, ctx.now(), prev, next, event));
}

/** A temporary failure: recorded on the message, and in its sectors' timelines the first time of an episode. */
async function waitOut(ctx: ManagerContext, msg: MessagesTable, error: ChainError): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const fresh = await trx.selectFrom("messages").select("chain_error").where("id", "=", msg.id).executeTakeFirst();
    if (fresh?.chain_error === null)
      await timelineForSectors(trx, ctx, msg, "", "", `waiting for the chain: ${error.message}`);
    await trx.updateTable("messages").set({ chain_error: error.message }).where("id", "=", msg.id).execute();
  });
}

/** A permanent failure of the whole message: every sector in it fails with the reason (PollXState PermFailed). */
async function failMessage(ctx: ManagerContext, msg: MessagesTable, exitCode: number | null, error: string) {
  const kind = msg.kind as SealingKind;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("messages")
      .set({ state: "failed", exit_code: exitCode, error, chain_error: null })
      .where("id", "=", msg.id)
      .execute();
    await trx
      .updateTable("sectors")
      .set({ [STAGE[kind]]: "permfailed", [DESC[kind]]: error, state: FAILED_STATE[kind], updated_at: ctx.now() })
      .where("miner", "=", msg.miner)
      .where(MSG[kind], "=", msg.id)
      .execute();
    await timelineForSectors(trx, ctx, msg, SENT_STATE[kind], FAILED_STATE[kind], error);
  });
}

/** Pushes one pending record. */
async function push(ctx: ManagerContext, msg: MessagesTable): Promise<void> {
  const sectors = await sectorsOf(ctx, msg);
  const kind = msg.kind as SealingKind;
  try {
    const message = await buildMessage(ctx, msg, sectors);
    const maxFee = BigInt(msg.max_fee ?? ctx.config.chain.maxFee[kind]);
    const cid = await ctx.chain.gateway.push(msg.id, message, maxFee);
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("messages")
        .set({ state: "sent", cid: cid.toString(), value: message.value.toString(), chain_error: null })
        .where("id", "=", msg.id)
        .execute();
      await timelineForSectors(
        trx,
        ctx,
        msg,
        SENT_STATE[kind],
        SENT_STATE[kind],
        `${methodName(msg.method)} ${cid.toString()} pushed (${sectors.length} sectors, max fee ${formatFil(maxFee)})`,
      );
    });
  } catch (error) {
    if (!(error instanceof ChainError)) throw error;
    if (error.temporary) return waitOut(ctx, msg, error);
    await failMessage(ctx, msg, error.exitCode, `${methodName(msg.method)} refused: ${error.message}`);
  }
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
      await trx
        .updateTable("messages")
        .set({ state: "failed", exit_code: outcome.exitCode, landed_epoch: outcome.height, error: "retried" })
        .where("id", "=", msg.id)
        .execute();
      await trx
        .updateTable("sectors")
        .set({ [STAGE[kind]]: "queued", [MSG[kind]]: null, state: QUEUED_STATE[kind], updated_at: ctx.now() })
        .where("miner", "=", msg.miner)
        .where(MSG[kind], "=", msg.id)
        .execute();
      await timelineForSectors(
        trx,
        ctx,
        msg,
        SENT_STATE[kind],
        QUEUED_STATE[kind],
        `${what}: ${exitCodeName(outcome.exitCode)}; queued again`,
      );
    });
    return;
  }
  if (outcome.exitCode !== 0)
    return failMessage(ctx, msg, outcome.exitCode, `${what}: ${exitCodeName(outcome.exitCode)}`);
  const numbers = JSON.parse(msg.sector_numbers ?? "[]") as number[];
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
    await trx
      .updateTable("messages")
      .set({
        state: "landed",
        exit_code: 0,
        landed_epoch: outcome.height,
        gas_used: outcome.gasUsed,
        chain_error: null,
      })
      .where("id", "=", msg.id)
      .execute();
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

/** Checks one pushed message. */
async function follow(ctx: ManagerContext, msg: MessagesTable): Promise<void> {
  if (msg.cid === null) return; // a record of the old in-process devnet: nothing to ask a node about
  try {
    const outcome = await ctx.chain.gateway.outcome(parseCid(msg.cid), ctx.config.chain.confidence);
    if (outcome.state === "pending") {
      if (msg.chain_error !== null)
        await ctx.db.updateTable("messages").set({ chain_error: null }).where("id", "=", msg.id).execute();
      return;
    }
    await land(ctx, msg, outcome);
  } catch (error) {
    if (!(error instanceof ChainError)) throw error;
    // Reading an outcome is never the message's fault: wait, whatever the node answered.
    await waitOut(ctx, msg, error);
  }
}

export async function pumpMessages(ctx: ManagerContext): Promise<void> {
  for (const miner of ctx.config.miners) {
    while (await recordBatch(ctx, miner, "precommit"));
    while (await recordBatch(ctx, miner, "provecommit"));
  }
  const open = await ctx.db
    .selectFrom("messages")
    .selectAll()
    .where("kind", "in", ["precommit", "provecommit"] satisfies MessageKind[])
    .where("state", "in", ["pending", "sent"])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  for (const msg of open) {
    if (msg.state === "pending") await push(ctx, msg);
    else await follow(ctx, msg);
  }
}
