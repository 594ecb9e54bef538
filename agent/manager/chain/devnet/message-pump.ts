// The devnet's message life: queued PreCommits/ProveCommits are batched into messages (max batch or max wait),
// a message lands `confidence` epochs after it was sent, and landing a ProveCommit verifies every proof in it
// with sealfarm-proofs. All state is in the database, so a restart picks up exactly where the last pump left off.

import { sealProofInfo } from "../../../../components/core/proofs/registered-proofs.js";
import { fromBase64 } from "../../../shared/rpc/bytes.js";
import type { MinerConfig } from "../../config/manager-config.js";
import type { ManagerContext } from "../../context.js";
import type { MessageKind } from "../../db/tables/chain.table.js";
import type { SectorsTable } from "../../db/tables/sectors.table.js";
import {
  ProofsBinaryError,
  proverId,
  type SealVerifyInput,
  type Verdict,
  verifySeal,
} from "../../proofs/proofs-binary.js";
import { takeCounter } from "../../sectors/sector.repository.js";

const STAGE = { precommit: "pc_stage", provecommit: "proof_stage" } as const;
const QUEUED_AT = { precommit: "pc_queued_at", provecommit: "proof_queued_at" } as const;
const MSG = { precommit: "pc_msg", provecommit: "proof_msg" } as const;

/** Sends at most one message per call; returns whether it sent one. */
export async function sendBatch(ctx: ManagerContext, miner: MinerConfig, kind: MessageKind): Promise<boolean> {
  const { maxBatch, maxWaitMs } = ctx.config.batching;
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
    const head = ctx.chain.head();
    const id = `${kind}-${miner.actor}-${await takeCounter(trx, "message", 1)}`;
    await trx
      .insertInto("messages")
      .values({
        id,
        miner: miner.actor,
        kind,
        sent_epoch: head,
        sectors: rows.length,
        state: "sent",
        created_at: ctx.now(),
      })
      .execute();
    await trx
      .updateTable("sectors")
      .set({
        [STAGE[kind]]: "sent",
        [MSG[kind]]: id,
        state: kind === "precommit" ? "PreCommitSent" : "ProofSent",
        updated_at: ctx.now(),
      })
      .where("miner", "=", miner.actor)
      .where(
        "number",
        "in",
        rows.map((r) => r.number),
      )
      .execute();
    return true;
  });
}

function bytes32FromHex(hex: string | null): number[] {
  return Array.from(Buffer.from(hex ?? "", "hex"));
}

function bytes32FromB64(b64: string | null): number[] {
  return Array.from(fromBase64(b64 ?? "") ?? Buffer.alloc(0));
}

export function sealVerifyInput(s: SectorsTable): SealVerifyInput {
  return {
    registered_proof: sealProofInfo(s.proof_type)?.name ?? String(s.proof_type),
    comm_r: bytes32FromHex(s.pc_comm_r),
    comm_d: bytes32FromHex(s.pc_comm_d),
    prover_id: proverId(s.miner),
    sector_id: s.number,
    ticket: bytes32FromB64(s.pc_ticket),
    seed: bytes32FromB64(s.seed),
    proof: s.proof ?? "",
  };
}

type Outcome = { verdict: Verdict } | { unavailable: string };

/** Lands every message that has `confidence` epochs on top of it. */
export async function landMessages(ctx: ManagerContext): Promise<number> {
  const head = ctx.chain.head();
  const due = await ctx.db
    .selectFrom("messages")
    .selectAll()
    .where("state", "=", "sent")
    .where("sent_epoch", "<=", head - ctx.chain.config.confidence)
    .orderBy("sent_epoch")
    .execute();
  for (const msg of due) {
    const sectors = await ctx.db
      .selectFrom("sectors")
      .selectAll()
      .where("miner", "=", msg.miner)
      .where(MSG[msg.kind], "=", msg.id)
      .execute();
    // Verify outside the transaction: spawning the verifier must not hold the database.
    const outcomes = new Map<number, Outcome>();
    if (msg.kind === "provecommit") {
      for (const s of sectors) {
        try {
          outcomes.set(s.number, { verdict: await verifySeal(ctx.proofsBin, sealVerifyInput(s)) });
        } catch (error) {
          if (!(error instanceof ProofsBinaryError)) throw error;
          outcomes.set(s.number, { unavailable: error.message });
        }
      }
    }
    await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.now();
      for (const s of sectors) {
        if (msg.kind === "precommit") {
          await trx
            .updateTable("sectors")
            .set({ pc_stage: "landed", pc_epoch: msg.sent_epoch, state: "PreCommitLanded", updated_at: now })
            .where("miner", "=", s.miner)
            .where("number", "=", s.number)
            .where("pc_msg", "=", msg.id)
            .execute();
          continue;
        }
        const o = outcomes.get(s.number);
        const patch =
          o === undefined || "unavailable" in o
            ? {
                proof_stage: "failed" as const,
                proof_desc: `proof not verified: ${o && "unavailable" in o ? o.unavailable : "no outcome"}`,
                state: "ProofFailed" as const,
              }
            : o.verdict.valid
              ? {
                  proof_stage: "landed" as const,
                  proof_desc: null,
                  state: "Active" as const,
                  active_epoch: head,
                  deadline: s.number % ctx.chain.config.deadlines,
                }
              : {
                  proof_stage: "permfailed" as const,
                  proof_desc: `ProveCommit failed: invalid proof: ${o.verdict.reason}`,
                  state: "ProofFailed" as const,
                };
        await trx
          .updateTable("sectors")
          .set({ ...patch, updated_at: now })
          .where("miner", "=", s.miner)
          .where("number", "=", s.number)
          .where("proof_msg", "=", msg.id)
          .execute();
      }
      await trx.updateTable("messages").set({ state: "landed" }).where("id", "=", msg.id).execute();
    });
  }
  return due.length;
}

export async function pumpMessages(ctx: ManagerContext): Promise<void> {
  for (const miner of ctx.config.miners) {
    while (await sendBatch(ctx, miner, "precommit"));
    while (await sendBatch(ctx, miner, "provecommit"));
  }
  await landMessages(ctx);
}
