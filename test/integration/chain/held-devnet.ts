// A devnet server in this process on a clock the test holds (genesis at 0 ms, 1 s blocks: the head is the epoch
// the test set), with what the real-proof chain tests share: a message to the miner from its worker, a push that
// lands at the next epoch, a real 2 KiB CC sector sealed and activated through the Lotus API, and a real WindowPoSt
// message over replicas the test names. Nothing here races a chain window: time moves only when the test says.
import assert from "node:assert/strict";
import { type DevnetServer, startDevnetServer } from "../../../agent/manager/chain/devnet-server/devnet-server.js";
import { idAddress } from "../../../agent/manager/chain/filecoin/address.js";
import { sealedCid } from "../../../agent/manager/chain/filecoin/cid.js";
import { messageToFill } from "../../../agent/manager/chain/filecoin/message.js";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import {
  encodePreCommitSectorBatch2,
  encodeProveCommitSectors3,
  encodeSubmitWindowedPoSt,
  type SectorPreCommitInfo,
} from "../../../agent/manager/chain/filecoin/miner-params.js";
import { addressEntropy } from "../../../agent/manager/chain/filecoin/randomness-entropy.js";
import { ChainError } from "../../../agent/manager/chain/lotus/chain-errors.js";
import { createLotusClient, type LotusClient } from "../../../agent/manager/chain/lotus/lotus-client.js";
import type { CID } from "../../../agent/manager/chain/lotus/lotus-json.js";
import {
  DomainSeparationTag,
  type Message,
  type MessageSendSpec,
} from "../../../agent/manager/chain/lotus/lotus-shapes.js";
import { commitPhase, precommitPhase, runStage, type SealDir } from "../manager/real-seal.js";

export const MINER = "f01000";
export const WORKER = "f0100";
export const ENTROPY = addressEntropy(idAddress(1000));
/** A CC sector's PreCommit (checked at push time without any proof), sealed CID made of the sector number. */
export function ccPreCommit(sector: number, sealRandEpoch: number): SectorPreCommitInfo {
  return {
    sealProof: 5,
    sectorNumber: sector,
    sealedCid: sealedCid(new Uint8Array(32).fill(sector)),
    sealRandEpoch,
    dealIds: [],
    expiration: 100_000,
    unsealedCid: null,
  };
}

/** The ChainError `p` fails with (the test fails if it succeeds or fails otherwise). */
export async function chainFailure(p: Promise<unknown>): Promise<ChainError> {
  const e = await p.then(
    () => assert.fail("expected a ChainError"),
    (x: unknown) => x,
  );
  assert.ok(e instanceof ChainError, String(e));
  return e;
}

/** A message from the miner's worker to the miner actor, nonce and gas left to the node. */
export const minerMessage = (method: number, params: Uint8Array, value = 0n): Message =>
  messageToFill({ to: MINER, from: WORKER, method, params, value });

const SPEC: MessageSendSpec = { maxFee: 0n, msgUuid: "00000000-0000-0000-0000-000000000000" };
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

export interface HeldDevnet {
  server: DevnetServer;
  client: LotusClient;
  /** The head the server sees. */
  epoch: number;
  /** A message from the miner's worker to the miner actor. */
  message(method: number, params: Uint8Array, value?: bigint): Message;
  /** Pushes `m` at the current head, moves the clock to its inclusion epoch and returns the receipt's exit code. */
  land(m: Message): Promise<number | undefined>;
  push(m: Message): Promise<{ cid: CID }>;
  /** Seals a 2 KiB CC sector for real, PreCommits it at epoch 6 and activates it at epoch 18 (clock left at 18). */
  activateCcSector(sector: number, sealDir: string): Promise<SealDir>;
  /**
   * A SubmitWindowedPoSt for deadline `deadline` opening at `open`, proven over `replicas` (moves the clock to
   * `open`); `mutate` flips a bit of the proof.
   */
  windowPost(
    open: number,
    deadline: number,
    replicas: { sector_id: number; comm_r: number[]; cache_dir: string; sealed_file: string }[],
    mutate?: boolean,
  ): Promise<Message>;
  close(): Promise<void>;
}

export async function startHeldDevnet(dir: string, proofsBin: string): Promise<HeldDevnet> {
  const clock = { epoch: 0 };
  const server = await startDevnetServer({ dir, proofsBin, now: () => clock.epoch * 1000 + 1 });
  const client = createLotusClient({ url: server.url, timeoutMs: 120_000 });
  const h: HeldDevnet = {
    server,
    client,
    get epoch() {
      return clock.epoch;
    },
    set epoch(e: number) {
      clock.epoch = e;
    },
    message: minerMessage,
    push: (m) => client.mpoolPushMessage(m, SPEC),
    land: async (m) => {
      const { cid } = await h.push(m);
      h.epoch += 1;
      return (await client.stateSearchMsg(cid))?.exitCode;
    },
    activateCcSector: async (sector, sealDir) => {
      h.epoch = 5;
      const ticket = await client.stateGetRandomnessFromTickets(DomainSeparationTag.SealRandomness, 4, ENTROPY);
      const sealed = await precommitPhase(proofsBin, sealDir, sector, b64(ticket));
      const pc: SectorPreCommitInfo = {
        sealProof: 5,
        sectorNumber: sector,
        sealedCid: sealedCid(Uint8Array.from(sealed.commR)),
        sealRandEpoch: 4,
        dealIds: [],
        expiration: 100_000,
        unsealedCid: null,
      };
      const deposit = await client.stateMinerPreCommitDepositForPower(MINER, pc);
      const batch = encodePreCommitSectorBatch2({ sectors: [pc] });
      const preCommitted = await h.land(h.message(MinerMethod.PreCommitSectorBatch2, batch, deposit));
      if (preCommitted !== 0) throw new Error(`PreCommit of sector ${sector} exited ${preCommitted}`);
      // Included at 6: the seed is drawn at 16, the proof may land from 17.
      h.epoch = 17;
      const seed = await client.stateGetRandomnessFromBeacon(
        DomainSeparationTag.InteractiveSealChallengeSeed,
        16,
        ENTROPY,
      );
      const proof = Buffer.from(await commitPhase(proofsBin, sealed, sector, b64(ticket), b64(seed)), "base64");
      const pledge = await client.stateMinerInitialPledgeCollateral(MINER, pc);
      const activation = encodeProveCommitSectors3({
        sectorActivations: [{ sectorNumber: sector, pieces: [] }],
        sectorProofs: [proof],
        aggregateProof: new Uint8Array(0),
        aggregateProofType: null,
        requireActivationSuccess: true,
        requireNotificationSuccess: false,
      });
      const proven = await h.land(h.message(MinerMethod.ProveCommitSectors3, activation, pledge));
      if (proven !== 0) throw new Error(`ProveCommit of sector ${sector} exited ${proven}`);
      return sealed;
    },
    windowPost: async (open, deadline, replicas, mutate = false) => {
      const challenge = open - 1;
      h.epoch = challenge;
      const randomness = await client.stateGetRandomnessFromBeacon(
        DomainSeparationTag.WindowedPoStChallengeSeed,
        challenge,
        ENTROPY,
      );
      const out = await runStage(proofsBin, "window_post", {
        miner_id: 1000,
        proof_type: "StackedDrgWindow2KiBV1_2",
        seed: [...randomness],
        replicas,
      });
      // One proof per proof partition (2 sectors at 2 KiB), every one sent.
      const proofs = (out.proofs as string[]).map((p) => Buffer.from(p, "base64"));
      const first = proofs[0];
      if (mutate && first !== undefined) first[first.length - 1] = (first[first.length - 1] ?? 0) ^ 1;
      const commitRand = await client.stateGetRandomnessFromTickets(
        DomainSeparationTag.PoStChainCommit,
        challenge,
        new Uint8Array(0),
      );
      h.epoch = open;
      return h.message(
        MinerMethod.SubmitWindowedPoSt,
        encodeSubmitWindowedPoSt({
          deadline,
          partitions: [{ index: 0, skipped: [] }],
          proofs: proofs.map((proofBytes) => ({ postProof: 10, proofBytes })),
          chainCommitEpoch: challenge,
          chainCommitRand: commitRand,
        }),
      );
    },
    close: async () => {
      client.close();
      await server.close();
    },
  };
  return h;
}

/** The replica a WindowPoSt proves for a sealed (not upgraded) sector. */
export function sealedReplica(sector: number, s: SealDir) {
  return { sector_id: sector, comm_r: s.commR, cache_dir: s.cache, sealed_file: s.sealed };
}
