// Venus.SubmitProof and Venus.PollProofState. Verification happens when the ProveCommit message lands
// (chain/devnet/message-pump.ts); a proof the verifier rejects fails the message for that sector.
import { fromBase64 } from "../../shared/rpc/bytes.js";
import type { PollStateResp, ProofOnChainInfo, SectorID, SubmitProofResp } from "../../shared/rpc/venus-types.js";
import { SubmitResult } from "../../shared/rpc/venus-types.js";
import type { ManagerContext } from "../context.js";
import { liveSector } from "./live-sector.js";
import { messageStagePoll } from "./message-stage-poll.js";
import { updateSector } from "./sector.repository.js";

export async function submitProof(
  ctx: ManagerContext,
  sid: SectorID,
  info: ProofOnChainInfo,
  reset: boolean,
): Promise<SubmitProofResp> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await liveSector(ctx, trx, sid);
    if (row.proof_stage !== "none") {
      const same = row.proof === info.Proof;
      if (row.proof_stage === "landed" || !reset || row.proof_stage === "queued" || row.proof_stage === "sent")
        return same
          ? { Res: SubmitResult.Accepted, Desc: null }
          : {
              Res: SubmitResult.MismatchedSubmission,
              Desc: `a different proof is already recorded (${row.proof_stage})`,
            };
    }
    if (row.pc_stage !== "landed")
      return { Res: SubmitResult.Rejected, Desc: `the PreCommit has not landed (${row.pc_stage})` };
    if (row.seed === null) return { Res: SubmitResult.Rejected, Desc: "no seed was assigned (call WaitSeed first)" };
    const bytes = fromBase64(info.Proof);
    if (bytes === null || bytes.length === 0)
      return { Res: SubmitResult.Rejected, Desc: "Proof is empty or not base64" };
    const now = ctx.now();
    await updateSector(trx, sid.Miner, sid.Number, {
      proof: info.Proof,
      proof_stage: "queued",
      proof_msg: null,
      proof_desc: null,
      proof_queued_at: now,
      state: "ProofQueued",
      updated_at: now,
    });
    return { Res: SubmitResult.Accepted, Desc: null };
  });
}

export async function pollProofState(ctx: ManagerContext, sid: SectorID): Promise<PollStateResp> {
  const row = await liveSector(ctx, ctx.db, sid, false);
  return messageStagePoll(row.proof_stage, row.proof_desc, "no proof was submitted");
}
