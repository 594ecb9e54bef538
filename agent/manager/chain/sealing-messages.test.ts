import assert from "node:assert/strict";
import { test } from "node:test";
import { sealedCid } from "./filecoin/cid.js";
import { MinerMethod } from "./filecoin/miner-methods.js";
import { decodePreCommitSectorBatch2, decodeProveCommitSectors3 } from "./filecoin/miner-params.js";
import {
  collateral,
  defaultCommitPolicy,
  messageUuid,
  preCommitBatchMessage,
  proveCommitMessage,
  sendSpec,
  shouldAggregate,
} from "./sealing-messages.js";

test("a message record always gets the same well-formed MsgUuid, and another record another one", () => {
  const a = messageUuid("precommit-1000-7");
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(messageUuid("precommit-1000-7"), a);
  assert.notEqual(messageUuid("precommit-1000-8"), a);
  assert.deepEqual(sendSpec("precommit-1000-7", 5n), { maxFee: 5n, msgUuid: a });
});

test("aggregation only for 4+ sectors when the base fee is above the threshold (lotus-miner's rule)", () => {
  const p = defaultCommitPolicy();
  assert.equal(shouldAggregate(3, 10n ** 9n, p), false);
  assert.equal(shouldAggregate(4, 10n ** 9n, p), true);
  assert.equal(shouldAggregate(10, 100n, p), false);
  assert.equal(shouldAggregate(10, 10n ** 9n, { ...p, aggregateCommits: false }), false);
  assert.equal(shouldAggregate(2, 10n ** 9n, { ...p, minCommitBatch: 1 }), false);
});

test("collateral: all of it, or only what the miner's available balance lacks", () => {
  assert.equal(collateral(100n, 30n, false), 100n);
  assert.equal(collateral(100n, 30n, true), 70n);
  assert.equal(collateral(100n, 300n, true), 0n);
});

test("PreCommit and ProveCommit messages carry the params, the method and the value", () => {
  const pc = preCommitBatchMessage({
    miner: "f01000",
    worker: "f0100",
    value: 7n,
    sectors: [
      {
        sealProof: 5,
        sectorNumber: 3,
        sealedCid: sealedCid(new Uint8Array(32)),
        sealRandEpoch: 10,
        dealIds: [],
        expiration: 1000,
        unsealedCid: null,
      },
    ],
  });
  assert.deepEqual([pc.method, pc.to, pc.from, pc.value], [MinerMethod.PreCommitSectorBatch2, "f01000", "f0100", 7n]);
  assert.equal(decodePreCommitSectorBatch2(pc.params).sectors[0]?.sectorNumber, 3);
  const single = decodeProveCommitSectors3(
    proveCommitMessage({
      miner: "f01000",
      worker: "f0100",
      value: 0n,
      sectors: [{ number: 3, proof: Uint8Array.from([1]) }],
    }).params,
  );
  assert.deepEqual(
    [single.sectorProofs.length, single.aggregateProofType, single.requireActivationSuccess],
    [1, null, false],
  );
  const agg = decodeProveCommitSectors3(
    proveCommitMessage({
      miner: "f01000",
      worker: "f0100",
      value: 0n,
      sectors: [1, 2, 3, 4].map((number) => ({ number, proof: new Uint8Array(0) })),
      aggregateProof: Uint8Array.from([9]),
    }).params,
  );
  assert.deepEqual([agg.sectorProofs.length, agg.aggregateProofType, [...agg.aggregateProof]], [0, 1, [9]]);
  assert.throws(
    () => preCommitBatchMessage({ miner: "f01000", worker: "f0100", value: 0n, sectors: [] }),
    /at least one/,
  );
});
