// The manager's record of a chain message and the two things done with one: push it (MpoolPushMessage with a
// MsgUuid derived from the record id, so pushing the same record again after a crash, a timeout or a node restart
// answers the same message and cannot send it twice) and follow it (StateSearchMsg until it has `confidence` epochs
// on top). A temporary chain failure is kept on the record (`chain_error`) and written to the timeline of the
// record's sectors once per episode; the caller decides what a permanent failure or a receipt means.
import type { Transaction } from "kysely";
import type { ChainMessageView } from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import type { Database } from "../db/database.js";
import type { MessageKind, MessagesTable } from "../db/tables/chain.table.js";
import { appendTimeline, managerTimelineEntry, takeCounter } from "../sectors/sector.repository.js";
import type { MessageOutcome } from "./chain-gateway.js";
import { formatFil } from "./filecoin/big-int.js";
import { parseCid } from "./filecoin/cid.js";
import { minerMethodName } from "./filecoin/miner-methods.js";
import { ChainError } from "./lotus/chain-errors.js";
import { type Message, messageFromJson, messageToJson } from "./lotus/lotus-shapes.js";

export function methodName(method: number | null): string {
  return method === null ? "?" : (minerMethodName(method) ?? `method ${method}`);
}

export function recordSectors(msg: Pick<MessagesTable, "sector_numbers">): number[] {
  return JSON.parse(msg.sector_numbers ?? "[]") as number[];
}

/** Inserts a pending record; `message` is kept only for kinds that cannot build it again from sector rows. */
export async function insertMessageRecord(
  ctx: ManagerContext,
  trx: Transaction<Database>,
  o: { miner: number; kind: MessageKind; method: number; sectors: number[]; maxFee: bigint; message?: Message },
): Promise<MessagesTable> {
  const row: MessagesTable = {
    id: `${o.kind}-${o.miner}-${await takeCounter(trx, "message", 1)}`,
    miner: o.miner,
    kind: o.kind,
    sent_epoch: ctx.chain.head(),
    sectors: o.sectors.length,
    state: "pending",
    created_at: ctx.now(),
    cid: null,
    method: o.method,
    sector_numbers: JSON.stringify(o.sectors),
    max_fee: o.maxFee.toString(),
    value: o.message === undefined ? null : o.message.value.toString(),
    exit_code: null,
    landed_epoch: null,
    gas_used: null,
    error: null,
    chain_error: null,
    message: o.message === undefined ? null : JSON.stringify(messageToJson(o.message)),
  };
  await trx.insertInto("messages").values(row).execute();
  return row;
}

export function storedMessage(msg: MessagesTable): Message {
  if (msg.message === null) throw new Error(`message record ${msg.id} keeps no message`);
  return messageFromJson(JSON.parse(msg.message), `messages/${msg.id}/message`);
}

export async function timelineForSectors(
  trx: Transaction<Database>,
  ctx: ManagerContext,
  msg: MessagesTable,
  prev: string,
  next: string,
  event: string,
): Promise<void> {
  for (const n of recordSectors(msg))
    await appendTimeline(trx, managerTimelineEntry({ Miner: msg.miner, Number: n }, ctx.now(), prev, next, event));
}

/** A temporary failure: kept on the record, and written to its sectors' timelines the first time of an episode. */
export async function waitOut(ctx: ManagerContext, msg: MessagesTable, error: ChainError): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const fresh = await trx.selectFrom("messages").select("chain_error").where("id", "=", msg.id).executeTakeFirst();
    if (fresh?.chain_error === null)
      await timelineForSectors(
        trx,
        ctx,
        msg,
        "",
        "",
        `${methodName(msg.method)}: waiting for the chain: ${error.message}`,
      );
    await trx.updateTable("messages").set({ chain_error: error.message }).where("id", "=", msg.id).execute();
  });
}

export type PushResult = { pushed: string } | { waiting: true } | { refused: string; exitCode: number | null };

/**
 * A record whose message cannot be built or sent for a reason that is not the chain's (a record damaged by hand, a
 * bug): it stays pending, the reason is kept in its `error` (what `sealfarm messages list` shows) and written to
 * its sectors' timelines once. `firstTime` is false while the same reason is already on the record, so the pump
 * reports it once, not on every cycle (several times a second).
 */
export class StuckRecord extends Error {
  constructor(
    message: string,
    readonly firstTime: boolean,
  ) {
    super(message);
    this.name = "StuckRecord";
  }
}

/** A record stuck for the same reason as last cycle: the pump logged it then and stays quiet now. */
export function reportedBefore(error: unknown): boolean {
  return error instanceof StuckRecord && !error.firstTime;
}

function sectorListReadable(msg: MessagesTable): boolean {
  try {
    recordSectors(msg);
    return true;
  } catch {
    return false;
  }
}

async function holdStuck(ctx: ManagerContext, msg: MessagesTable, error: unknown): Promise<StuckRecord> {
  const reason = `${methodName(msg.method)} record ${msg.id} cannot be sent: ${error instanceof Error ? error.message : String(error)}`;
  return ctx.db.transaction().execute(async (trx) => {
    const fresh = await trx.selectFrom("messages").select("error").where("id", "=", msg.id).executeTakeFirst();
    if (fresh?.error === reason) return new StuckRecord(reason, false);
    await trx.updateTable("messages").set({ error: reason }).where("id", "=", msg.id).execute();
    // A record damaged in its sector list (JSON that does not parse) still keeps the reason; it just has no sector
    // timelines to write it to.
    if (sectorListReadable(msg)) await timelineForSectors(trx, ctx, msg, "", "", reason);
    return new StuckRecord(reason, true);
  });
}

/**
 * Pushes a pending record. Pushed: the record is "sent" with its CID (and a timeline entry per sector, written in
 * `also`'s transaction too). Temporary failure: waited out. Permanent: returned for the caller to fail what it must;
 * the record is then "failed" with the reason. Any other failure: thrown as a StuckRecord, the record kept pending.
 */
export async function pushRecord(
  ctx: ManagerContext,
  msg: MessagesTable,
  build: () => Promise<Message>,
  /** The timeline entry of each sector when pushed (none for WindowPoSt: one per deadline would drown the rest). */
  timeline?: { prev: string; next: string },
): Promise<PushResult> {
  let message: Message;
  let maxFee: bigint;
  let cid: string;
  try {
    message = await build();
    maxFee = BigInt(msg.max_fee ?? "0");
    cid = (await ctx.chain.gateway.push(msg.id, message, maxFee)).toString();
  } catch (error) {
    if (!(error instanceof ChainError)) throw await holdStuck(ctx, msg, error);
    if (error.temporary) {
      await waitOut(ctx, msg, error);
      return { waiting: true };
    }
    const reason = `${methodName(msg.method)} refused: ${error.message}`;
    await ctx.db
      .updateTable("messages")
      .set({ state: "failed", exit_code: error.exitCode, error: reason, chain_error: null })
      .where("id", "=", msg.id)
      .execute();
    return { refused: reason, exitCode: error.exitCode };
  }
  // Recording the push is not part of the try: a database failure here is the database's, not the record's (the
  // next cycle pushes the same MsgUuid again and gets the same CID).
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("messages")
      .set({ state: "sent", cid, value: message.value.toString(), chain_error: null, error: null })
      .where("id", "=", msg.id)
      .execute();
    if (timeline !== undefined)
      await timelineForSectors(
        trx,
        ctx,
        msg,
        timeline.prev,
        timeline.next,
        `${methodName(msg.method)} ${cid} pushed (${msg.sectors} sectors, max fee ${formatFil(maxFee)})`,
      );
  });
  return { pushed: cid };
}

/** The outcome of a pushed record: its receipt once final, else null (still pending, or the chain is waited out). */
export async function followRecord(
  ctx: ManagerContext,
  msg: MessagesTable,
): Promise<Extract<MessageOutcome, { state: "landed" }> | null> {
  if (msg.cid === null) return null; // a record of the old in-process devnet: nothing to ask a node about
  try {
    const outcome = await ctx.chain.gateway.outcome(parseCid(msg.cid), ctx.config.chain.confidence);
    if (outcome.state === "pending") {
      if (msg.chain_error !== null)
        await ctx.db.updateTable("messages").set({ chain_error: null }).where("id", "=", msg.id).execute();
      return null;
    }
    return outcome;
  } catch (error) {
    if (!(error instanceof ChainError)) throw error;
    // Reading an outcome is never the message's fault: wait, whatever the node answered.
    await waitOut(ctx, msg, error);
    return null;
  }
}

/** Marks a record landed with its receipt (inside the caller's transaction). */
export async function markLanded(
  trx: Transaction<Database>,
  msg: MessagesTable,
  outcome: { exitCode: number; height: number; gasUsed: number },
  error: string | null = null,
): Promise<void> {
  await trx
    .updateTable("messages")
    .set({
      state: outcome.exitCode === 0 ? "landed" : "failed",
      exit_code: outcome.exitCode,
      landed_epoch: outcome.height,
      gas_used: outcome.gasUsed,
      error,
      chain_error: null,
    })
    .where("id", "=", msg.id)
    .execute();
}

/** Open records (pending or sent) of the given kinds, oldest first. */
export function openRecords(ctx: ManagerContext, kinds: MessageKind[]): Promise<MessagesTable[]> {
  return ctx.db
    .selectFrom("messages")
    .selectAll()
    .where("kind", "in", kinds)
    .where("state", "in", ["pending", "sent"])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export function messageView(m: MessagesTable): ChainMessageView {
  return {
    Id: m.id,
    Miner: m.miner,
    Kind: m.kind,
    Method: methodName(m.method),
    Cid: m.cid,
    Sectors: recordSectors(m),
    State: m.state,
    MaxFee: m.max_fee,
    Value: m.value,
    ExitCode: m.exit_code,
    Epoch: m.landed_epoch === null ? null : Number(m.landed_epoch),
    GasUsed: m.gas_used === null ? null : Number(m.gas_used),
    Error: m.error,
    Waiting: m.chain_error,
    CreatedAt: Number(m.created_at),
  };
}

/** Venus.ListMessages: every message record, oldest first. */
export async function listMessages(ctx: ManagerContext): Promise<ChainMessageView[]> {
  const rows = await ctx.db.selectFrom("messages").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.map(messageView);
}
