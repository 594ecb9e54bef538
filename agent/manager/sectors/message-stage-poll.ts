// The reply of Venus.PollPreCommitState and Venus.PollProofState: where a sector's message stands, as the
// OnChainState damocles-worker polls for.
import { OnChainState, type PollStateResp } from "../../shared/rpc/venus-types.js";
import type { MessageStage } from "../db/tables/sectors.table.js";

/** What the worker sees for each stage of a sector's message (a stage never submitted reads as Failed). */
export const ON_CHAIN_STATE: Readonly<Record<MessageStage, OnChainState>> = {
  none: OnChainState.Failed,
  queued: OnChainState.Pending,
  sent: OnChainState.Packed,
  landed: OnChainState.Landed,
  failed: OnChainState.Failed,
  permfailed: OnChainState.PermFailed,
};

/** The poll reply for a stage and its stored description; `neverSubmitted` explains the "none" stage. */
export function messageStagePoll(stage: MessageStage, desc: string | null, neverSubmitted: string): PollStateResp {
  return { State: ON_CHAIN_STATE[stage], Desc: stage === "none" ? neverSubmitted : desc };
}
