// What the manager asks of a chain, in its own words, over the Lotus client: the sealing ticket and seed and the
// WindowPoSt challenge (with the DSTs and entropy Lotus' sealing uses), a push that is safe to repeat, and a
// message's outcome once it has `confidence` epochs on top. Polls (StateSearchMsg) rather than holding a
// StateWaitMsg open, so a manager restart or a node restart loses nothing: the record's CID or MsgUuid is enough.
import { formatAddress, idAddress } from "./filecoin/address.js";
import { addressEntropy } from "./filecoin/randomness-entropy.js";
import type { LotusClient } from "./lotus/lotus-client.js";
import type { CID } from "./lotus/lotus-json.js";
import { DomainSeparationTag, type Message } from "./lotus/lotus-shapes.js";
import { sendSpec } from "./sealing-messages.js";

export type MessageOutcome =
  | { state: "pending" }
  | { state: "landed"; exitCode: number; height: number; return: Uint8Array; gasUsed: number };

export interface ChainGateway {
  head(): Promise<number>;
  sealTicket(minerActor: number, epoch: number): Promise<Uint8Array>;
  interactiveSeed(minerActor: number, epoch: number): Promise<Uint8Array>;
  windowPoStChallenge(minerActor: number, epoch: number): Promise<Uint8Array>;
  /** Pushes the message of a manager record; pushing the same record again answers the same CID. */
  push(recordId: string, message: Message, maxFee: bigint): Promise<CID>;
  outcome(cid: CID, confidence: number): Promise<MessageOutcome>;
}

export function createChainGateway(client: LotusClient): ChainGateway {
  const entropy = (actor: number) => addressEntropy(idAddress(actor));
  return {
    head: async () => (await client.chainHead()).height,
    sealTicket: (actor, epoch) =>
      client.stateGetRandomnessFromTickets(DomainSeparationTag.SealRandomness, epoch, entropy(actor)),
    interactiveSeed: (actor, epoch) =>
      client.stateGetRandomnessFromBeacon(DomainSeparationTag.InteractiveSealChallengeSeed, epoch, entropy(actor)),
    windowPoStChallenge: (actor, epoch) =>
      client.stateGetRandomnessFromBeacon(DomainSeparationTag.WindowedPoStChallengeSeed, epoch, entropy(actor)),
    push: async (recordId, message, maxFee) => (await client.mpoolPushMessage(message, sendSpec(recordId, maxFee))).cid,
    outcome: async (cid, confidence) => {
      const found = await client.stateSearchMsg(cid);
      if (found === null) return { state: "pending" };
      const head = await client.chainHead();
      if (head.height < found.height + confidence) return { state: "pending" };
      return {
        state: "landed",
        exitCode: found.exitCode,
        height: found.height,
        return: found.return,
        gasUsed: found.gasUsed,
      };
    },
  };
}

export function minerAddress(actor: number): string {
  return formatAddress(idAddress(actor));
}
