// The devnet server as the manager starts it: with the manager's [chain] settings and [[miners]], on a clock the
// test holds, refusing settings it cannot run with or that contradict the chain in its directory, and two servers
// in one process keeping separate chains. Real servers on loopback, real state files, the real Lotus client.

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  type DevnetServerOptions,
  startDevnetServer,
} from "../../../agent/manager/chain/devnet-server/devnet-server.js";
import { idAddress } from "../../../agent/manager/chain/filecoin/address.js";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import {
  encodePreCommitSectorBatch2,
  encodeProveCommitSectors3,
} from "../../../agent/manager/chain/filecoin/miner-params.js";
import { addressEntropy } from "../../../agent/manager/chain/filecoin/randomness-entropy.js";
import { ChainError } from "../../../agent/manager/chain/lotus/chain-errors.js";
import { createLotusClient, type LotusClient } from "../../../agent/manager/chain/lotus/lotus-client.js";
import { DomainSeparationTag } from "../../../agent/manager/chain/lotus/lotus-shapes.js";
import { resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { ConfigError } from "../../../components/core/config/config-error.js";
import { scratchDir } from "../../support/scratch-dir.js";
import { ccPreCommit, minerMessage } from "./held-devnet.js";

const root = scratchDir("sealfarm-devnet-server-");
const proofsBin = resolveProofsBin("");
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

/** A server on a held clock (1 s blocks unless the settings say otherwise), with a client; both closed by `close`. */
async function open(dir: string, o: Partial<DevnetServerOptions> = {}, clock = { ms: 1 }) {
  const server = await startDevnetServer({ dir: join(root, dir), proofsBin, now: () => clock.ms, ...o });
  const client = createLotusClient({ url: server.url });
  return {
    server,
    client,
    clock,
    close: async () => {
      client.close();
      await server.close();
    },
  };
}

/** Pushes the PreCommit of CC sector `n` with its deposit, from f01000's worker. */
async function pushPreCommit(client: LotusClient, n: number, ticketEpoch: number): Promise<void> {
  const pc = ccPreCommit(n, ticketEpoch);
  const batch = encodePreCommitSectorBatch2({ sectors: [pc] });
  const deposit = await client.stateMinerPreCommitDepositForPower("f01000", pc);
  await client.mpoolPushMessage(minerMessage(MinerMethod.PreCommitSectorBatch2, batch, deposit), {
    maxFee: 0n,
    msgUuid: ZERO_UUID,
  });
}

test("the manager's [chain] and [[miners]] shape the chain: deadlines, proof types, challenge delay", async () => {
  // manager.toml: block_time = "500ms", proving_period = 60, deadlines = 6, precommit_challenge_delay = 5, and two
  // miners, one sealing 2 KiB sectors and one 32 GiB.
  const settings = { blockTimeMs: 500, provingPeriod: 60, deadlines: 6, precommitChallengeDelay: 5 };
  const miners = [
    { actor: 1000, sealProof: 5 },
    { actor: 1001, sealProof: 8 },
  ];
  const clock = { ms: 1 };
  const d = await open("manager-chain", { settings, miners }, clock);
  try {
    clock.ms = 25 * 500 + 1; // epoch 25
    assert.equal((await d.client.chainHead()).height, 25);
    const dl = await d.client.stateMinerProvingDeadline("f01001");
    assert.deepEqual(
      [dl.index, dl.open, dl.close, dl.periodDeadlines, dl.provingPeriod, dl.challengeWindow],
      [2, 20, 30, 6, 60, 10],
    );
    const big = await d.client.stateMinerInfo("f01001");
    assert.deepEqual([big.sectorSize, big.windowPoStProofType, big.worker], [32 * 2 ** 30, 13, "f0101"]);
    assert.equal((await d.client.stateMinerInfo("f01000")).worker, "f0100");

    // PreCommit at 26 (included), so the seed is drawn at 26 + 5 = 31: a ProveCommit estimated at 31 is too early.
    await pushPreCommit(d.client, 1, 24);
    clock.ms = 30 * 500 + 1;
    assert.equal((await d.client.stateSectorPreCommitInfo("f01000", 1))?.preCommitEpoch, 26);
    const prove = encodeProveCommitSectors3({
      sectorActivations: [{ sectorNumber: 1, pieces: [] }],
      sectorProofs: [Uint8Array.from([1])],
      aggregateProof: new Uint8Array(0),
      aggregateProofType: null,
      requireActivationSuccess: true,
      requireNotificationSuccess: false,
    });
    const early = await d.client
      .mpoolPushMessage(minerMessage(MinerMethod.ProveCommitSectors3, prove), {
        maxFee: 0n,
        msgUuid: ZERO_UUID,
      })
      .then(
        () => assert.fail("a ProveCommit before the seed epoch must be refused"),
        (e: unknown) => e,
      );
    assert.ok(early instanceof ChainError);
    assert.match(early.message, /the seed is drawn at 31, now 31/);
    // Sector 1 is in no deadline until it is proven.
    assert.equal(await d.client.stateSectorPartition("f01000", 1), null);
    assert.deepEqual(await d.client.stateMinerFaults("f01000"), []);
    assert.deepEqual(await d.client.stateMinerRecoveries("f01000"), []);
  } finally {
    await d.close();
  }

  // A later start with the same [chain] is fine and may add a miner; another proving period or proof is refused.
  const again = await open("manager-chain", { settings, miners: [...miners, { actor: 1002, sealProof: 6 }] });
  try {
    assert.deepEqual(
      [(await again.client.stateMinerInfo("f01002")).sectorSize, (await again.client.stateMinerInfo("f01002")).worker],
      [8 << 20, "f0102"],
    );
  } finally {
    await again.close();
  }
  const file = join(root, "manager-chain", "devnet-state.json");
  const before = readFileSync(file, "utf8");
  await assert.rejects(
    open("manager-chain", { settings: { ...settings, provingPeriod: 120 }, miners: [{ actor: 1001, sealProof: 9 }] }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        [
          `${file}: /settings/provingPeriod: the chain was created with 60, asked for 120 (start a new chain in another directory to change it)`,
          `${file}: /miners/f01001/sealProof: the chain has the miner sealing 8, asked for 9`,
        ].join("\n"),
  );
  assert.equal(readFileSync(file, "utf8"), before);
});

test("settings and miners the devnet cannot run with are refused before anything is written", async () => {
  const dir = join(root, "bad");
  await assert.rejects(
    open("bad", {
      settings: { provingPeriod: 50, deadlines: 4, blockTimeMs: 0 },
      miners: [
        { actor: 1000, sealProof: 5 },
        { actor: 1000, sealProof: 5 },
        { actor: 7, sealProof: 42 },
      ],
    }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      const file = join(dir, "devnet-state.json");
      assert.deepEqual(e.message.split("\n"), [
        `${file}: /miners/1/actor: f01000 is listed twice`,
        `${file}: /miners/2/actor: expected an actor ID ≥ 1000, got 7`,
        `${file}: /miners/2/sealProof: expected a V1_1 seal proof 5..9, got 42`,
        `${file}: /settings/blockTimeMs: expected an integer ≥ 1, got 0`,
      ]);
      return true;
    },
  );
  await assert.rejects(
    open("bad", { settings: { provingPeriod: 50, deadlines: 4 } }),
    /provingPeriod: expected a multiple of deadlines \(4\), got 50/,
  );
  // A state file that is not JSON is named, not overwritten.
  mkdirSync(join(root, "torn"));
  writeFileSync(join(root, "torn", "devnet-state.json"), "{");
  await assert.rejects(open("torn"), new RegExp(`${join(root, "torn", "devnet-state.json")}: not JSON`));
  assert.equal(readFileSync(join(root, "torn", "devnet-state.json"), "utf8"), "{");
});

test("two servers in one process keep two chains", async () => {
  const a = await open("two-a");
  const b = await open("two-b");
  try {
    a.clock.ms = 10_001;
    b.clock.ms = 10_001;
    const entropy = addressEntropy(idAddress(1000));
    const drawn = await Promise.all(
      [a, b].map((d) => d.client.stateGetRandomnessFromTickets(DomainSeparationTag.SealRandomness, 5, entropy)),
    );
    assert.notDeepEqual(drawn[0], drawn[1]);
    await pushPreCommit(a.client, 1, 9);
    a.clock.ms = 11_001;
    b.clock.ms = 11_001;
    assert.equal((await a.client.stateSectorPreCommitInfo("f01000", 1))?.preCommitEpoch, 11);
    assert.equal(await b.client.stateSectorPreCommitInfo("f01000", 1), null);
    assert.equal(b.server.state().messages.length, 0);
    assert.ok((await b.client.walletBalance("f0100")) > (await a.client.walletBalance("f0100")));
  } finally {
    await a.close();
    await b.close();
  }
});
