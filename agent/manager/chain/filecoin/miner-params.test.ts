import assert from "node:assert/strict";
import { test } from "node:test";
import { zeroCommitment } from "../../proofs/comm-d.js";
import { idAddress } from "./address.js";
import { CborShapeError, encodeCbor } from "./cbor-shape.js";
import { sealedCid, unsealedCid } from "./cid.js";
import { MinerMethod, minerMethodName, proofTypesForSeal, RegisteredSealProof } from "./miner-methods.js";
import {
  decodeDeclareFaultsRecovered,
  decodePreCommitSectorBatch2,
  decodeProveCommitAggregate,
  decodeProveCommitSectors3,
  decodeProveReplicaUpdates3,
  decodeSubmitWindowedPoSt,
  encodeDeclareFaultsRecovered,
  encodePreCommitSectorBatch2,
  encodeProveCommitAggregate,
  encodeProveCommitSectors3,
  encodeProveReplicaUpdates3,
  encodeSubmitWindowedPoSt,
  type PreCommitSectorBatchParams2,
} from "./miner-params.js";
import { rangesFromSet } from "./rle-plus.js";

// The fixed bytes below are assembled by hand from builtin-actors' tuple layouts (actors/miner/src/types.rs,
// Serialize_tuple: fields in declaration order) and RFC 8949 / DAG-CBOR, not produced by this code: each line of a
// vector is commented with the field it encodes. CIDs are tag 42 (d8 2a) over 0x00 ‖ the binary CID.
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ZERO32 = "00".repeat(32);
// CIDv1 0xf102 (82 e2 03) poseidon 0xb401 (81 e8 02) len 32: 41 bytes with the 0x00 prefix.
const SEALED_ZERO = `d82a5829000182e20381e80220${ZERO32}`;
const COMM_R_ZERO = sealedCid(new Uint8Array(32));

test("method numbers as builtin-actors' miner Method enum", () => {
  assert.deepEqual(MinerMethod, {
    SubmitWindowedPoSt: 5,
    DeclareFaultsRecovered: 11,
    ProveCommitAggregate: 26,
    PreCommitSectorBatch2: 28,
    ProveCommitSectors3: 34,
    ProveReplicaUpdates3: 35,
  });
  assert.equal(minerMethodName(34), "ProveCommitSectors3");
  assert.equal(minerMethodName(7), undefined);
  // 32 GiB: seal 8, window PoSt V1_1 13, update 3 (fvm_shared RegisteredSealProof/PoStProof/UpdateProof).
  assert.deepEqual(proofTypesForSeal(RegisteredSealProof.StackedDrg32GiBV1_1), { windowPoSt: 13, update: 3 });
  assert.deepEqual(proofTypesForSeal(RegisteredSealProof.StackedDrg2KiBV1_1), { windowPoSt: 10, update: 0 });
});

test("PreCommitSectorBatch2: fixed bytes and round trip", () => {
  const params: PreCommitSectorBatchParams2 = {
    sectors: [
      {
        sealProof: 8,
        sectorNumber: 42,
        sealedCid: COMM_R_ZERO,
        sealRandEpoch: 1000,
        dealIds: [],
        expiration: 500_000,
        unsealedCid: null,
      },
    ],
  };
  const expected = [
    "81", // PreCommitSectorBatchParams2 (1 field)
    "81", // sectors: 1
    "87", // SectorPreCommitInfo (7 fields)
    "08", // seal_proof 8 (32 GiB V1_1)
    "182a", // sector_number 42
    SEALED_ZERO, // sealed_cid
    "1903e8", // seal_rand_epoch 1000
    "80", // deal_ids []
    "1a0007a120", // expiration 500000
    "f6", // unsealed_cid: CompactCommD None (CC)
  ].join("");
  const bytes = encodePreCommitSectorBatch2(params);
  assert.equal(hex(bytes), expected);
  const back = decodePreCommitSectorBatch2(bytes);
  assert.equal(back.sectors[0]?.sealedCid.toString(), COMM_R_ZERO.toString());
  assert.equal(hex(encodePreCommitSectorBatch2(back)), expected);
  // With data: CommD as an unsealed-commitment CID, and deal IDs.
  const first = params.sectors[0];
  assert.ok(first);
  const b2 = encodePreCommitSectorBatch2({
    sectors: [{ ...first, dealIds: [7, 70_000], unsealedCid: unsealedCid(zeroCommitment(2048)) }],
  });
  assert.equal(hex(encodePreCommitSectorBatch2(decodePreCommitSectorBatch2(b2))), hex(b2));
});

test("ProveCommitSectors3: fixed bytes (one proof per sector) and round trip with pieces", () => {
  const bytes = encodeProveCommitSectors3({
    sectorActivations: [{ sectorNumber: 42, pieces: [] }],
    sectorProofs: [Uint8Array.from([0xcc])],
    aggregateProof: new Uint8Array(0),
    aggregateProofType: null,
    requireActivationSuccess: true,
    requireNotificationSuccess: false,
  });
  const expected = [
    "86", // ProveCommitSectors3Params (6 fields)
    "81", // sector_activations: 1
    "82182a80", // SectorActivationManifest { sector_number 42, pieces [] }
    "8141cc", // sector_proofs: [h'cc']
    "40", // aggregate_proof: empty RawBytes
    "f6", // aggregate_proof_type: None
    "f5", // require_activation_success
    "f4", // require_notification_success
  ].join("");
  assert.equal(hex(bytes), expected);
  const withPieces = encodeProveCommitSectors3({
    sectorActivations: [
      {
        sectorNumber: 1,
        pieces: [
          {
            cid: unsealedCid(zeroCommitment(2048)),
            size: 2048,
            verifiedAllocationKey: { client: 1001, id: 5 },
            notify: [{ address: idAddress(5), payload: Uint8Array.from([1]) }],
          },
        ],
      },
    ],
    sectorProofs: [],
    aggregateProof: Uint8Array.from([1, 2, 3]),
    aggregateProofType: 1,
    requireActivationSuccess: false,
    requireNotificationSuccess: false,
  });
  const back = decodeProveCommitSectors3(withPieces);
  assert.equal(back.sectorActivations[0]?.pieces[0]?.notify[0]?.address.protocol, 0);
  assert.equal(hex(encodeProveCommitSectors3(back)), hex(withPieces));
});

test("ProveCommitAggregate: fixed bytes", () => {
  // { sector_numbers: RLE+ {0} = 0c, aggregate_proof: h'aabb' }
  const bytes = encodeProveCommitAggregate({
    sectorNumbers: rangesFromSet([0]),
    aggregateProof: Uint8Array.from([0xaa, 0xbb]),
  });
  assert.equal(hex(bytes), "82410c42aabb");
  assert.deepEqual(decodeProveCommitAggregate(bytes).sectorNumbers, [{ start: 0, count: 1 }]);
});

test("SubmitWindowedPoSt: fixed bytes and round trip", () => {
  const params = {
    deadline: 3,
    partitions: [{ index: 0, skipped: [] }],
    proofs: [{ postProof: 10, proofBytes: Uint8Array.from([1, 2]) }],
    chainCommitEpoch: 100,
    chainCommitRand: new Uint8Array(32).fill(0x11),
  };
  const expected = [
    "85", // SubmitWindowedPoStParams (5 fields)
    "03", // deadline 3
    "81", // partitions: 1
    "820040", // PoStPartition { index 0, skipped: empty bitfield }
    "81", // proofs: 1
    "820a420102", // PoStProof { post_proof 10 (2 KiB window V1_1), proof_bytes h'0102' }
    "1864", // chain_commit_epoch 100
    `5820${"11".repeat(32)}`, // chain_commit_rand: 32 bytes
  ].join("");
  const bytes = encodeSubmitWindowedPoSt(params);
  assert.equal(hex(bytes), expected);
  assert.equal(hex(encodeSubmitWindowedPoSt(decodeSubmitWindowedPoSt(bytes))), expected);
});

test("ProveReplicaUpdates3: fixed bytes and round trip", () => {
  const params = {
    sectorUpdates: [
      {
        sector: 7,
        deadline: 2,
        partition: 0,
        newSealedCid: COMM_R_ZERO,
        pieces: [
          {
            cid: unsealedCid(new Uint8Array(32)),
            size: 2048,
            verifiedAllocationKey: { client: 1001, id: 5 },
            notify: [{ address: idAddress(5), payload: Uint8Array.from([1]) }],
          },
        ],
      },
    ],
    sectorProofs: [Uint8Array.from([0xdd])],
    aggregateProof: new Uint8Array(0),
    updateProofsType: 0,
    aggregateProofType: null,
    requireActivationSuccess: true,
    requireNotificationSuccess: true,
  };
  const expected = [
    "87", // ProveReplicaUpdates3Params (7 fields)
    "81", // sector_updates: 1
    "85", // SectorUpdateManifest (5 fields)
    "070200", // sector 7, deadline 2, partition 0
    SEALED_ZERO, // new_sealed_cid
    "81", // pieces: 1
    "84", // PieceActivationManifest (4 fields)
    `d82a5828000181e203922020${ZERO32}`, // cid: 0xf101 (81 e2 03) sha2-256-trunc254-padded 0x1012 (92 20)
    "190800", // size 2048
    "821903e905", // verified_allocation_key { client 1001, id 5 }
    "81824200054101", // notify: [{ address f05 = h'0005', payload h'01' }]
    "8141dd", // sector_proofs: [h'dd']
    "40", // aggregate_proof: empty
    "00", // update_proofs_type 0 (2 KiB)
    "f6", // aggregate_proof_type: None
    "f5f5", // require_activation_success, require_notification_success
  ].join("");
  const bytes = encodeProveReplicaUpdates3(params);
  assert.equal(hex(bytes), expected);
  assert.equal(hex(encodeProveReplicaUpdates3(decodeProveReplicaUpdates3(bytes))), expected);
});

test("DeclareFaultsRecovered: fixed bytes and round trip", () => {
  const bytes = encodeDeclareFaultsRecovered({
    recoveries: [{ deadline: 1, partition: 0, sectors: rangesFromSet([5]) }],
  });
  // { recoveries: [ { deadline 1, partition 0, sectors: RLE+ {5} = b0 02 } ] }
  assert.equal(hex(bytes), "8181830100" + "42b002");
  assert.deepEqual(decodeDeclareFaultsRecovered(bytes).recoveries[0]?.sectors, [{ start: 5, count: 1 }]);
});

test("decoding names the field path of a mismatch", () => {
  const sixFields = encodeCbor([[[8, 42, COMM_R_ZERO, 1000, [], 500_000]]]);
  assert.throws(
    () => decodePreCommitSectorBatch2(sixFields),
    /^CborShapeError: params\/sectors\/0: expected a tuple of 7, got an array of 6$/,
  );
  const bytesForCid = encodeCbor([[[8, 42, new Uint8Array(32), 1000, [], 500_000, null]]]);
  assert.throws(
    () => decodePreCommitSectorBatch2(bytesForCid),
    /params\/sectors\/0\/sealed_cid: expected a CID, got 32 bytes/,
  );
  const negativeNumber = encodeCbor([[[8, -1, COMM_R_ZERO, 1000, [], 500_000, null]]]);
  assert.throws(
    () => decodePreCommitSectorBatch2(negativeNumber),
    /sector_number: expected an unsigned integer, got -1/,
  );
  const badBitfield = encodeCbor([[[1, 0, Uint8Array.from([0x01])]]]);
  assert.throws(
    () => decodeDeclareFaultsRecovered(badBitfield),
    /params\/recoveries\/0\/sectors: expected an RLE\+ bitfield/,
  );
  assert.throws(() => decodeSubmitWindowedPoSt(Uint8Array.from([0xff])), CborShapeError);
  assert.throws(() => decodeProveCommitSectors3(encodeCbor({ a: 1 })), /params: expected a tuple of 6, got a map/);
});
