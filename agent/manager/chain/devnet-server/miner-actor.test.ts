import assert from "node:assert/strict";
import { test } from "node:test";
import { sealedCid, unsealedCid } from "../filecoin/cid.js";
import { ExitCode } from "../filecoin/exit-codes.js";
import { MinerMethod } from "../filecoin/miner-methods.js";
import {
  encodeDeclareFaultsRecovered,
  encodePreCommitSectorBatch2,
  encodeProveCommitAggregate,
  encodeProveCommitSectors3,
  encodeProveReplicaUpdates3,
  encodeSubmitWindowedPoSt,
  type ProveReplicaUpdates3Params,
  type SectorPreCommitInfo,
} from "../filecoin/miner-params.js";
import { rangesFromSet } from "../filecoin/rle-plus.js";
import type { Message } from "../lotus/lotus-shapes.js";
import { type DevnetState, defaultDevnetSettings, genesisState, type SectorState } from "./devnet-state.js";
import { executeMessage, runDeadlineCron, type Verifier } from "./miner-actor.js";

// Every case here is decided before any proof is checked; the verifier fails the test if it is reached.
const NO_PROOFS: Verifier = {
  seal: () => assert.fail("no seal proof should be verified here"),
  windowPost: () => assert.fail("no PoSt should be verified here"),
  snap: () => assert.fail("no update proof should be verified here"),
};

const DEPOSIT = BigInt(defaultDevnetSettings().precommitDeposit);

function fresh(): DevnetState {
  return genesisState(defaultDevnetSettings(), [{ actor: 1000, sealProof: 5 }], 0, "00".repeat(32));
}

/** An active CC sector, as ProveCommit leaves it. */
function ccSector(n: number, deadline: number, over: Partial<SectorState> = {}): SectorState {
  return {
    sectorNumber: n,
    sealProof: 5,
    sealedCid: sealedCid(new Uint8Array(32).fill(n)).toString(),
    sectorKeyCid: null,
    hasData: false,
    activation: 5,
    expiration: 100_000,
    initialPledge: "0",
    deadline,
    partition: 0,
    faulty: false,
    recovering: false,
    ...over,
  };
}

function pc(n: number, over: Partial<SectorPreCommitInfo> = {}): SectorPreCommitInfo {
  return {
    sealProof: 5,
    sectorNumber: n,
    sealedCid: sealedCid(new Uint8Array(32).fill(n)),
    sealRandEpoch: 49,
    dealIds: [],
    expiration: 100_000,
    unsealedCid: null,
    ...over,
  };
}

function msg(method: number, params: Uint8Array, over: Partial<Message> = {}): Message {
  return {
    version: 0,
    to: "f01000",
    from: "f0100",
    nonce: 0,
    value: 0n,
    gasLimit: 0,
    gasFeeCap: 0n,
    gasPremium: 0n,
    method,
    params,
    ...over,
  };
}

const precommit = (sectors: SectorPreCommitInfo[], value = DEPOSIT * BigInt(sectors.length)) =>
  msg(MinerMethod.PreCommitSectorBatch2, encodePreCommitSectorBatch2({ sectors }), { value });

test("PreCommitSectorBatch2 stores the PreCommits and locks their deposit", async () => {
  const s = fresh();
  const r = await executeMessage(s, precommit([pc(1), pc(2)]), 50, NO_PROOFS);
  assert.deepEqual([r.exitCode, r.error], [0, ""]);
  assert.equal(s.precommits["f01000/1"]?.epoch, 50);
  assert.equal(s.miners.f01000?.locked, String(2n * DEPOSIT));
  // The sender paid the value and the gas.
  assert.ok(BigInt(s.accounts.f0100?.balance ?? 0) < 1000n * 10n ** 18n - 2n * DEPOSIT);
});

test("PreCommit refusals carry builtin-actors' exit codes and leave the state untouched", async () => {
  const s = fresh();
  s.settings.maxTicketAge = 20;
  await executeMessage(s, precommit([pc(1)]), 50, NO_PROOFS);
  const before = JSON.stringify(s);
  const cases: [string, Message, number, RegExp][] = [
    ["already allocated", precommit([pc(1)]), ExitCode.ErrIllegalArgument, /sector 1: sector number already allocated/],
    ["twice in a batch", precommit([pc(3), pc(3)]), ExitCode.ErrIllegalArgument, /already allocated/],
    ["ticket not before", precommit([pc(4, { sealRandEpoch: 60 })]), ExitCode.ErrIllegalArgument, /must be before 60/],
    [
      "ticket too old",
      precommit([pc(4, { sealRandEpoch: 1 })]),
      ExitCode.ErrIllegalArgument,
      /older than 20 epochs at 60/,
    ],
    [
      "wrong proof",
      precommit([pc(4, { sealProof: 8 })]),
      ExitCode.ErrIllegalArgument,
      /seal proof 8, the miner seals 5/,
    ],
    ["expired", precommit([pc(4, { expiration: 10 })]), ExitCode.ErrIllegalArgument, /expiration 10/],
    ["no deposit", precommit([pc(4)], 0n), ExitCode.ErrInsufficientFunds, /pre-commit deposit/],
    ["not the worker", { ...precommit([pc(4)]), from: "f0999" }, ExitCode.SysErrSenderInvalid, /not an account/],
    [
      "garbage params",
      msg(MinerMethod.PreCommitSectorBatch2, Uint8Array.from([1])),
      ExitCode.ErrSerialization,
      /params: expected a tuple of 1/,
    ],
    ["unknown method", msg(99, new Uint8Array(0)), ExitCode.ErrUnhandledMessage, /method 99 is not handled/],
    [
      "aggregate",
      msg(
        MinerMethod.ProveCommitAggregate,
        encodeProveCommitAggregate({ sectorNumbers: rangesFromSet([1]), aggregateProof: Uint8Array.from([1]) }),
      ),
      ExitCode.ErrIllegalArgument,
      /SnarkPack/,
    ],
    ["rich sender", { ...precommit([pc(4)]), value: 10n ** 40n }, ExitCode.SysErrInsufficientFunds, /cannot pay/],
  ];
  for (const [name, m, code, why] of cases) {
    const r = await executeMessage(s, m, 60, NO_PROOFS);
    assert.equal(r.exitCode, code, `${name}: ${r.error}`);
    assert.match(r.error, why, name);
  }
  // A second account that is not the miner's worker is refused as a caller.
  s.accounts.f0200 = { balance: String(10n ** 20n), nonce: 0 };
  const other = await executeMessage(s, { ...precommit([pc(5)]), from: "f0200" }, 60, NO_PROOFS);
  assert.equal(other.exitCode, ExitCode.ErrForbidden);
  delete s.accounts.f0200;
  assert.equal(JSON.stringify(s), before);
});

test("ProveCommitSectors3: no PreCommit is ErrNotFound, before the seed epoch ErrForbidden", async () => {
  const s = fresh();
  await executeMessage(s, precommit([pc(1)]), 50, NO_PROOFS);
  const prove = (n: number) =>
    msg(
      MinerMethod.ProveCommitSectors3,
      encodeProveCommitSectors3({
        sectorActivations: [{ sectorNumber: n, pieces: [] }],
        sectorProofs: [Uint8Array.from([1])],
        aggregateProof: new Uint8Array(0),
        aggregateProofType: null,
        requireActivationSuccess: true,
        requireNotificationSuccess: false,
      }),
    );
  const missing = await executeMessage(s, prove(7), 70, NO_PROOFS);
  assert.equal(missing.exitCode, ExitCode.ErrNotFound);
  // PreCommit at 50, challenge delay 10: the seed is drawn at 60, so proving at 60 is too early.
  const early = await executeMessage(s, prove(1), 60, NO_PROOFS);
  assert.equal(early.exitCode, ExitCode.ErrForbidden);
  assert.match(early.error, /the seed is drawn at 60, now 60/);
});

test("WindowPoSt and recoveries: deadline and partition checks, faults at a deadline's end", async () => {
  const s = fresh();
  s.sectors["f01000/1"] = ccSector(1, 1);
  // Proving period 40, 4 deadlines: deadline 1 is [10, 20). Epoch 25 is in deadline 2.
  const post = msg(
    MinerMethod.SubmitWindowedPoSt,
    encodeSubmitWindowedPoSt({
      deadline: 1,
      partitions: [{ index: 0, skipped: [] }],
      proofs: [{ postProof: 10, proofBytes: Uint8Array.from([1]) }],
      chainCommitEpoch: 24,
      chainCommitRand: new Uint8Array(32),
    }),
  );
  const wrong = await executeMessage(s, post, 25, NO_PROOFS);
  assert.equal(wrong.exitCode, ExitCode.ErrIllegalArgument);
  assert.match(wrong.error, /invalid deadline 1 at epoch 25, expected 2/);
  // Nobody proved deadline 1 in [10, 20): at its end the sector is faulty.
  runDeadlineCron(s, 25);
  assert.equal(s.sectors["f01000/1"]?.faulty, true);
  const recover = (sectors: number[], partition = 0) =>
    msg(
      MinerMethod.DeclareFaultsRecovered,
      encodeDeclareFaultsRecovered({ recoveries: [{ deadline: 1, partition, sectors: rangesFromSet(sectors) }] }),
    );
  const notThere = await executeMessage(s, recover([1], 3), 26, NO_PROOFS);
  assert.equal(notThere.exitCode, ExitCode.ErrIllegalArgument);
  assert.match(notThere.error, /sector 1 is not in deadline 1 partition 3/);
  assert.equal((await executeMessage(s, recover([1]), 26, NO_PROOFS)).exitCode, 0);
  assert.equal(s.sectors["f01000/1"]?.recovering, true);
});

test("ProveReplicaUpdates3 refusals decided before the update proof, and the batch rules", async () => {
  const s = fresh();
  s.sectors["f01000/1"] = ccSector(1, 1);
  s.sectors["f01000/2"] = ccSector(2, 2, { faulty: true });
  s.sectors["f01000/3"] = ccSector(3, 3, { hasData: true });
  const before = JSON.stringify(s);
  const piece = { cid: unsealedCid(new Uint8Array(32)), size: 1024, verifiedAllocationKey: null, notify: [] };
  const update = (sector: number, deadline: number, over: Partial<ProveReplicaUpdates3Params> = {}) =>
    msg(
      MinerMethod.ProveReplicaUpdates3,
      encodeProveReplicaUpdates3({
        sectorUpdates: [
          { sector, deadline, partition: 0, newSealedCid: sealedCid(new Uint8Array(32)), pieces: [piece] },
        ],
        sectorProofs: [Uint8Array.from([1])],
        aggregateProof: new Uint8Array(0),
        updateProofsType: 0,
        aggregateProofType: null,
        requireActivationSuccess: true,
        requireNotificationSuccess: false,
        ...over,
      }),
    );
  const cases: [string, Message, number, RegExp][] = [
    ["missing", update(9, 1), ExitCode.ErrNotFound, /sector 9: no such sector/],
    ["wrong deadline", update(1, 2), ExitCode.ErrIllegalArgument, /in deadline 1 partition 0, not 2\/0/],
    ["faulty", update(2, 2), ExitCode.ErrIllegalArgument, /sector 2: is faulty/],
    ["has data", update(3, 3), ExitCode.ErrIllegalArgument, /sector 3: already holds data/],
    ["proof type", update(1, 1, { updateProofsType: 4 }), ExitCode.ErrIllegalArgument, /update proof type 4/],
    ["no proof", update(1, 1, { sectorProofs: [] }), ExitCode.ErrIllegalArgument, /1 sector updates but 0 proofs/],
    [
      "no updates",
      update(1, 1, { sectorUpdates: [], sectorProofs: [] }),
      ExitCode.ErrIllegalArgument,
      /no sector updates/,
    ],
    [
      "aggregate",
      update(1, 1, { aggregateProof: Uint8Array.from([1]), sectorProofs: [] }),
      ExitCode.ErrIllegalArgument,
      /aggregate update proofs/,
    ],
    [
      "garbage",
      msg(MinerMethod.ProveReplicaUpdates3, Uint8Array.from([0x80])),
      ExitCode.ErrSerialization,
      /tuple of 7/,
    ],
  ];
  for (const [name, m, code, why] of cases) {
    const r = await executeMessage(s, m, 30, NO_PROOFS);
    assert.equal(r.exitCode, code, `${name}: ${r.error}`);
    assert.match(r.error, why, name);
  }
  // Without requireActivationSuccess every refused update is counted; none passing fails the message.
  const lenient = await executeMessage(s, update(9, 1, { requireActivationSuccess: false }), 30, NO_PROOFS);
  assert.deepEqual(
    [lenient.exitCode, lenient.error],
    [ExitCode.ErrNotFound, "no sector updated (sector 9: no such sector)"],
  );
  assert.equal(JSON.stringify(s), before);
});
