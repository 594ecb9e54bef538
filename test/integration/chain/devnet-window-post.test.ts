// The devnet's WindowPoSt path with real proofs, in process on a clock the test moves (so no step races a chain
// window): a 2 KiB sector sealed and activated through the Lotus API, proven in its deadline with a real
// window_post (a tampered proof is refused), faulted when its next deadline ends unproven, declared recovering.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { startDevnetServer } from "../../../agent/manager/chain/devnet-server/devnet-server.js";
import { idAddress } from "../../../agent/manager/chain/filecoin/address.js";
import { sealedCid } from "../../../agent/manager/chain/filecoin/cid.js";
import { ExitCode } from "../../../agent/manager/chain/filecoin/exit-codes.js";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import {
  encodeDeclareFaultsRecovered,
  encodePreCommitSectorBatch2,
  encodeProveCommitSectors3,
  encodeSubmitWindowedPoSt,
  type SectorPreCommitInfo,
} from "../../../agent/manager/chain/filecoin/miner-params.js";
import { addressEntropy } from "../../../agent/manager/chain/filecoin/randomness-entropy.js";
import { rangesFromSet } from "../../../agent/manager/chain/filecoin/rle-plus.js";
import { ChainError } from "../../../agent/manager/chain/lotus/chain-errors.js";
import { createLotusClient } from "../../../agent/manager/chain/lotus/lotus-client.js";
import type { CID } from "../../../agent/manager/chain/lotus/lotus-json.js";
import { DomainSeparationTag, type Message } from "../../../agent/manager/chain/lotus/lotus-shapes.js";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { commitPhase, precommitPhase, runStage } from "../manager/real-seal.js";

const bin = resolveProofsBin("");
const dir = mkdtempSync(join(tmpdir(), "sealfarm-devnet-wpost-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const MINER = "f01000";

test("WindowPoSt on the devnet: proven, tampered, faulted, recovering", { timeout: 600_000 }, async (t) => {
  if (!(await hasSubcommand(bin, "verify-window-post"))) return t.skip("sealfarm-proofs lacks verify-window-post");
  let epoch = 0;
  // Genesis at 0 ms, 1 s blocks: the head is whatever epoch the test set.
  const server = await startDevnetServer({ dir: join(dir, "chain"), proofsBin: bin, now: () => epoch * 1000 + 1 });
  const c = createLotusClient({ url: server.url, timeoutMs: 120_000 });
  try {
    const entropy = addressEntropy(idAddress(1000));
    const message = (method: number, params: Uint8Array, value = 0n): Message => ({
      version: 0,
      to: MINER,
      from: "f0100",
      nonce: 0,
      value,
      gasLimit: 0,
      gasFeeCap: 0n,
      gasPremium: 0n,
      method,
      params,
    });
    const spec = { maxFee: 0n, msgUuid: "00000000-0000-0000-0000-000000000000" };
    /** Pushes at the current head, moves the clock to the inclusion epoch and returns the receipt's exit code. */
    const land = async (m: Message) => {
      const { cid } = await c.mpoolPushMessage(m, spec);
      epoch += 1;
      return exitOf(cid);
    };
    const exitOf = async (cid: CID) => (await c.stateSearchMsg(cid))?.exitCode;

    epoch = 5;
    const ticket = await c.stateGetRandomnessFromTickets(DomainSeparationTag.SealRandomness, 4, entropy);
    const sealed = await precommitPhase(bin, join(dir, "seal"), 1, b64(ticket));
    const pc: SectorPreCommitInfo = {
      sealProof: 5,
      sectorNumber: 1,
      sealedCid: sealedCid(Uint8Array.from(sealed.commR)),
      sealRandEpoch: 4,
      dealIds: [],
      expiration: 100_000,
      unsealedCid: null,
    };
    const deposit = await c.stateMinerPreCommitDepositForPower(MINER, pc);
    assert.equal(
      await land(message(MinerMethod.PreCommitSectorBatch2, encodePreCommitSectorBatch2({ sectors: [pc] }), deposit)),
      0,
    );
    // Included at 6: the seed is drawn at 16, the proof may land from 17.
    epoch = 17;
    const seed = await c.stateGetRandomnessFromBeacon(DomainSeparationTag.InteractiveSealChallengeSeed, 16, entropy);
    const proof = Buffer.from(await commitPhase(bin, sealed, 1, b64(ticket), b64(seed)), "base64");
    const pledge = await c.stateMinerInitialPledgeCollateral(MINER, pc);
    const activation = encodeProveCommitSectors3({
      sectorActivations: [{ sectorNumber: 1, pieces: [] }],
      sectorProofs: [proof],
      aggregateProof: new Uint8Array(0),
      aggregateProofType: null,
      requireActivationSuccess: true,
      requireNotificationSuccess: false,
    });
    assert.equal(await land(message(MinerMethod.ProveCommitSectors3, activation, pledge)), 0);
    assert.equal((await c.stateSectorGetInfo(MINER, 1))?.activation, 18);

    // Sector 1 is in deadline 1 (of 4, 10 epochs each in a 40-epoch period): its first window after activation
    // is [50, 60), challenged at 49.
    const post = async (open: number, mutate = false) => {
      epoch = open - 1;
      const dl = { index: 1, challenge: open - 1 };
      const randomness = await c.stateGetRandomnessFromBeacon(
        DomainSeparationTag.WindowedPoStChallengeSeed,
        dl.challenge,
        entropy,
      );
      const out = await runStage(bin, "window_post", {
        miner_id: 1000,
        proof_type: "StackedDrgWindow2KiBV1_2",
        seed: [...randomness],
        replicas: [{ sector_id: 1, comm_r: sealed.commR, cache_dir: sealed.cache, sealed_file: sealed.sealed }],
      });
      const bytes = Buffer.from((out.proofs as string[])[0] ?? "", "base64");
      if (mutate) bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
      const commitRand = await c.stateGetRandomnessFromTickets(
        DomainSeparationTag.PoStChainCommit,
        dl.challenge,
        new Uint8Array(0),
      );
      epoch = open;
      const deadline = await c.stateMinerProvingDeadline(MINER);
      assert.deepEqual([deadline.index, deadline.open, deadline.challenge], [1, open, open - 1]);
      return message(
        MinerMethod.SubmitWindowedPoSt,
        encodeSubmitWindowedPoSt({
          deadline: 1,
          partitions: [{ index: 0, skipped: [] }],
          proofs: [{ postProof: 10, proofBytes: bytes }],
          chainCommitEpoch: dl.challenge,
          chainCommitRand: commitRand,
        }),
      );
    };
    const tampered = await c.mpoolPushMessage(await post(50, true), spec).then(
      () => assert.fail("a tampered PoSt must be refused"),
      (e: unknown) => e,
    );
    assert.ok(tampered instanceof ChainError);
    assert.equal(tampered.exitCode, ExitCode.ErrIllegalArgument);
    assert.match(tampered.message, /invalid PoSt/);
    assert.equal(await land(await post(50)), 0);
    epoch = 60;
    let [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual(part?.faultySectors, []);

    // [90, 100) passes without a proof: at its end the sector is faulty.
    epoch = 100;
    [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual(part?.faultySectors, rangesFromSet([1]));
    assert.deepEqual(part?.activeSectors, []);
    const recovery = encodeDeclareFaultsRecovered({
      recoveries: [{ deadline: 1, partition: 0, sectors: rangesFromSet([1]) }],
    });
    assert.equal(await land(message(MinerMethod.DeclareFaultsRecovered, recovery)), 0);
    [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual(part?.recoveringSectors, rangesFromSet([1]));
    // Proven again in [130, 140): no longer faulty.
    assert.equal(await land(await post(130)), 0);
    [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual([part?.faultySectors, part?.recoveringSectors], [[], []]);
  } finally {
    c.close();
    await server.close();
  }
});
