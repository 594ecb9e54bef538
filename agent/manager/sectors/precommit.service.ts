// Venus.SubmitPreCommit, Venus.PollPreCommitState and Venus.WaitSeed (damocles-manager modules/sealer/sealer.go).
import { sealProofInfo } from "../../../components/core/proofs/registered-proofs.js";
import { toBase64 } from "../../shared/rpc/bytes.js";
import {
  type AllocatedSector,
  type PollStateResp,
  type PreCommitOnChainInfo,
  type SectorID,
  type SubmitPreCommitResp,
  SubmitResult,
  type WaitSeedResp,
} from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import { computeCommD } from "../proofs/comm-d.js";
import { commitmentFromPieceCid } from "../proofs/piece-cid.js";
import { chainCall, generic } from "../rpc/rpc-errors.js";
import { liveSector } from "./live-sector.js";
import { messageStagePoll } from "./message-stage-poll.js";
import { updateSector } from "./sector.repository.js";
import { sectorPieces } from "./sector-pieces.repository.js";

function hex(bytes: number[]): string {
  return Buffer.from(bytes).toString("hex");
}

export async function submitPreCommit(
  ctx: ManagerContext,
  sector: AllocatedSector,
  info: PreCommitOnChainInfo,
  reset: boolean,
): Promise<SubmitPreCommitResp> {
  const sid = sector.ID;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await liveSector(ctx, trx, sid);
    const commR = hex(info.CommR);
    const commD = hex(info.CommD);
    if (row.pc_stage !== "none") {
      const same = row.pc_comm_r === commR && row.pc_comm_d === commD && row.pc_ticket === info.Ticket.Ticket;
      // Landed on chain, or resubmitted without reset: the recorded PreCommit wins.
      if (row.pc_stage === "landed" || !reset) {
        return same
          ? { Res: SubmitResult.Accepted, Desc: null }
          : {
              Res: SubmitResult.MismatchedSubmission,
              Desc: `a different PreCommit is already recorded (comm_r ${row.pc_comm_r}, comm_d ${row.pc_comm_d})`,
            };
      }
      if (row.pc_stage === "queued" || row.pc_stage === "sent")
        return same
          ? { Res: SubmitResult.Accepted, Desc: null }
          : { Res: SubmitResult.MismatchedSubmission, Desc: `the recorded PreCommit is already ${row.pc_stage}` };
    }
    if (sector.ProofType !== row.proof_type)
      return {
        Res: SubmitResult.Rejected,
        Desc: `ProofType ${sector.ProofType} does not match the sector's ${row.proof_type}`,
      };
    if (row.ticket === null) return { Res: SubmitResult.Rejected, Desc: "no ticket was assigned to this sector" };
    if (info.Ticket.Ticket !== row.ticket || info.Ticket.Epoch !== row.ticket_epoch)
      return {
        Res: SubmitResult.Rejected,
        Desc: `Ticket does not match the assigned ticket (epoch ${row.ticket_epoch}, got epoch ${info.Ticket.Epoch})`,
      };
    const proof = sealProofInfo(row.proof_type);
    if (proof === undefined) throw generic(`sector has an unknown proof type ${row.proof_type}`);
    const pieces = await sectorPieces(trx, sid.Miner, sid.Number);
    const expected = computeCommD(
      proof.sectorSizeBytes,
      pieces.map((p) => ({
        paddedSize: p.padded_size,
        commitment: commitmentFromPieceCid(p.piece_cid) ?? Buffer.alloc(32),
      })),
    ).toString("hex");
    if (expected !== commD)
      return {
        Res: SubmitResult.MismatchedSubmission,
        Desc: `CommD does not match the sector's pieces: expected ${expected}, got ${commD}`,
      };
    const now = ctx.now();
    await updateSector(trx, sid.Miner, sid.Number, {
      pc_comm_r: commR,
      pc_comm_d: commD,
      pc_ticket: info.Ticket.Ticket,
      pc_ticket_epoch: info.Ticket.Epoch,
      pc_stage: "queued",
      pc_msg: null,
      pc_desc: null,
      pc_queued_at: now,
      state: "PreCommitQueued",
      updated_at: now,
    });
    return { Res: SubmitResult.Accepted, Desc: null };
  });
}

export async function pollPreCommitState(ctx: ManagerContext, sid: SectorID): Promise<PollStateResp> {
  const row = await liveSector(ctx, ctx.db, sid, false);
  return messageStagePoll(row.pc_stage, row.pc_desc, "no PreCommit was submitted");
}

/**
 * The seed: the chain's InteractiveSealChallengeSeed at the PreCommit's epoch (from its receipt) + the challenge
 * delay, handed out once that epoch has `confidence` epochs on top. Asked of the chain outside the transaction.
 */
export async function waitSeed(ctx: ManagerContext, sid: SectorID, proofType: number): Promise<WaitSeedResp> {
  const row = await liveSector(ctx, ctx.db, sid, false);
  if (proofType !== row.proof_type)
    throw generic(`WaitSeed: param 1 (RegisteredSealProof) is ${proofType}, the sector's is ${row.proof_type}`);
  if (row.seed !== null && row.seed_epoch !== null)
    return { ShouldWait: false, Delay: 0, Seed: { Seed: row.seed, Epoch: row.seed_epoch } };
  if (row.pc_stage !== "landed" || row.pc_epoch === null)
    throw generic(`WaitSeed: the PreCommit of this sector has not landed (stage ${row.pc_stage})`);
  const seedEpoch = row.pc_epoch + ctx.chain.config.precommitChallengeDelay;
  const readyAt = seedEpoch + ctx.chain.config.confidence;
  const head = ctx.chain.head();
  if (head < readyAt) {
    // Whole seconds, at least 1: the worker treats ShouldWait with Delay 0 as an error.
    const delay = Math.max(1, Math.ceil(((readyAt - head) * ctx.chain.config.blockTimeMs) / 1000));
    return { ShouldWait: true, Delay: delay, Seed: null };
  }
  const seed = toBase64(await chainCall("WaitSeed", () => ctx.chain.gateway.interactiveSeed(sid.Miner, seedEpoch)));
  return ctx.db.transaction().execute(async (trx) => {
    const now = await liveSector(ctx, trx, sid);
    // Another call stored it first: the first one stands (the chain's value is the same anyway).
    if (now.seed !== null && now.seed_epoch !== null)
      return { ShouldWait: false, Delay: 0, Seed: { Seed: now.seed, Epoch: now.seed_epoch } };
    await updateSector(trx, sid.Miner, sid.Number, { seed, seed_epoch: seedEpoch, updated_at: ctx.now() });
    return { ShouldWait: false, Delay: 0, Seed: { Seed: seed, Epoch: seedEpoch } };
  });
}
