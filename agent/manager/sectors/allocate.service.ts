// Venus.AllocateSector and Venus.AssignTicket.
import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import { toBase64 } from "../../shared/rpc/bytes.js";
import type { AllocatedSector, AllocateSectorSpec, SectorID, Ticket } from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import type { Database } from "../db/database.js";
import { chainCall } from "../rpc/rpc-errors.js";
import { liveSector } from "./live-sector.js";
import { insertSector, NEITHER_REBUILT_NOR_SNAPPED, takeCounter, updateSector } from "./sector.repository.js";

/** Whether an allocation spec admits this miner and seal proof: an empty or null list allows everything, as damocles. */
export function specAllows(spec: AllocateSectorSpec, miner: number, proofType: number): boolean {
  return (
    (spec.AllowedMiners === null || spec.AllowedMiners.length === 0 || spec.AllowedMiners.includes(miner)) &&
    (spec.AllowedProofTypes === null ||
      spec.AllowedProofTypes.length === 0 ||
      spec.AllowedProofTypes.includes(proofType))
  );
}

/**
 * `specAllows` as a condition on a queue's rows, so the query's limit counts only rows the worker may take. The
 * unseal queue has no proof type: its sectors' are checked row by row.
 */
export function allowedBySpec(spec: AllocateSectorSpec) {
  return (eb: ExpressionBuilder<Database, "sectors">): Expression<SqlBool> => {
    const allowed: Expression<SqlBool>[] = [];
    if (spec.AllowedMiners !== null && spec.AllowedMiners.length > 0)
      allowed.push(eb("miner", "in", spec.AllowedMiners));
    if (spec.AllowedProofTypes !== null && spec.AllowedProofTypes.length > 0)
      allowed.push(eb("proof_type", "in", spec.AllowedProofTypes));
    return eb.and(allowed);
  };
}

/** Miners that match the spec. */
export function eligibleMiners(ctx: ManagerContext, spec: AllocateSectorSpec) {
  return ctx.config.miners.filter((m) => specAllows(spec, m.actor, m.sealProof));
}

export async function allocateSector(ctx: ManagerContext, spec: AllocateSectorSpec): Promise<AllocatedSector | null> {
  const candidates = eligibleMiners(ctx, spec);
  // Random order, then the first miner that still has numbers left.
  for (const miner of candidates.sort(() => Math.random() - 0.5)) {
    const allocated = await ctx.db.transaction().execute(async (trx) => {
      const number = await takeCounter(trx, `sector:${miner.actor}`, miner.minNumber);
      if (number > miner.maxNumber) return null;
      const now = ctx.now();
      await insertSector(trx, {
        miner: miner.actor,
        number,
        proof_type: miner.sealProof,
        state: "Allocated",
        created_at: now,
        updated_at: now,
        worker: null,
        location: null,
        latest_state: null,
        last_failure: null,
        ticket: null,
        ticket_epoch: null,
        deals_acquired: 0,
        pc_comm_r: null,
        pc_comm_d: null,
        pc_ticket: null,
        pc_ticket_epoch: null,
        pc_stage: "none",
        pc_msg: null,
        pc_desc: null,
        pc_queued_at: null,
        pc_epoch: null,
        seed: null,
        seed_epoch: null,
        persist_instance: null,
        reserved_store: null,
        reserved_size: null,
        proof: null,
        proof_stage: "none",
        proof_msg: null,
        proof_desc: null,
        proof_queued_at: null,
        active_epoch: null,
        deadline: null,
        faulty: 0,
        finalized: 0,
        aborted: 0,
        abort_reason: null,
        ...NEITHER_REBUILT_NOR_SNAPPED,
      });
      return { ID: { Miner: miner.actor, Number: number }, ProofType: miner.sealProof };
    });
    if (allocated !== null) return allocated;
  }
  return null;
}

/**
 * A fresh ticket: the chain's SealRandomness `ticket_lookback` epochs behind the head the manager last saw (chain
 * finality by default, as lotus-miner: a reorg shallower than that cannot change it), stored with the sector.
 * Asked of the chain before the transaction, so no database lock is held across a network call.
 */
export async function assignTicket(ctx: ManagerContext, sid: SectorID): Promise<Ticket> {
  const before = await liveSector(ctx, ctx.db, sid, false);
  // A rebuild seals with the ticket of its PreCommit, never a fresh one.
  if (before.rebuild_state === "running" && before.pc_ticket !== null && before.pc_ticket_epoch !== null)
    return { Ticket: before.pc_ticket, Epoch: before.pc_ticket_epoch };
  const epoch = Math.max(0, ctx.chain.head() - ctx.chain.config.ticketLookback);
  const ticket = toBase64(await chainCall("AssignTicket", () => ctx.chain.gateway.sealTicket(sid.Miner, epoch)));
  return ctx.db.transaction().execute(async (trx) => {
    const row = await liveSector(ctx, trx, sid);
    if (row.rebuild_state === "running" && row.pc_ticket !== null && row.pc_ticket_epoch !== null)
      return { Ticket: row.pc_ticket, Epoch: row.pc_ticket_epoch };
    await updateSector(trx, sid.Miner, sid.Number, { ticket, ticket_epoch: epoch, updated_at: ctx.now() });
    return { Ticket: ticket, Epoch: epoch };
  });
}
