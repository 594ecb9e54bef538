// Params of the miner-actor messages sealfarm sends, as builtin-actors (v13+, nv22+) serializes them: every struct
// is a CBOR tuple in field order (`#[derive(Serialize_tuple)]`), RawBytes/Randomness are byte strings, Address is
// its byte form, BitField is RLE+ bytes, Option is null or the value, CIDs are tag 42. Types and field names follow
// actors/miner/src/types.rs. encodeX/decodeX are exact inverses; decodeX names the field path of any mismatch.
import type { CID } from "multiformats/cid";
import type { FilAddress } from "./address.js";
import {
  asAddress,
  asArray,
  asBitField,
  asBool,
  asBytes,
  asCid,
  asInt,
  asNullable,
  asTuple,
  asUint,
  cborOf,
  decodeCbor,
  encodeCbor,
} from "./cbor-shape.js";
import type { BitRange } from "./rle-plus.js";

// ---- PreCommitSectorBatch2 (28) ----

export interface SectorPreCommitInfo {
  sealProof: number;
  sectorNumber: number;
  sealedCid: CID;
  sealRandEpoch: number;
  dealIds: number[];
  expiration: number;
  /** CompactCommD: null for a sector without data (CC), else CommD as an unsealed-commitment CID. */
  unsealedCid: CID | null;
}

export interface PreCommitSectorBatchParams2 {
  sectors: SectorPreCommitInfo[];
}

export function encodePreCommitSectorBatch2(p: PreCommitSectorBatchParams2): Uint8Array {
  return encodeCbor([
    p.sectors.map((s) => [
      s.sealProof,
      s.sectorNumber,
      s.sealedCid,
      s.sealRandEpoch,
      s.dealIds,
      s.expiration,
      s.unsealedCid,
    ]),
  ]);
}

export function decodePreCommitSectorBatch2(bytes: Uint8Array, path = "params"): PreCommitSectorBatchParams2 {
  const [sectors] = asTuple(decodeCbor(bytes, path), 1, path);
  return {
    sectors: asArray(sectors, `${path}/sectors`, (v, p) => {
      const t = asTuple(v, 7, p);
      return {
        sealProof: asUint(t[0], `${p}/seal_proof`),
        sectorNumber: asUint(t[1], `${p}/sector_number`),
        sealedCid: asCid(t[2], `${p}/sealed_cid`),
        sealRandEpoch: asInt(t[3], `${p}/seal_rand_epoch`),
        dealIds: asArray(t[4], `${p}/deal_ids`, asUint),
        expiration: asInt(t[5], `${p}/expiration`),
        unsealedCid: asNullable(t[6], `${p}/unsealed_cid`, asCid),
      };
    }),
  };
}

// ---- Piece manifests (ProveCommitSectors3, ProveReplicaUpdates3) ----

export interface VerifiedAllocationKey {
  client: number;
  id: number;
}

export interface DataActivationNotification {
  address: FilAddress;
  payload: Uint8Array;
}

export interface PieceActivationManifest {
  cid: CID;
  size: number;
  verifiedAllocationKey: VerifiedAllocationKey | null;
  notify: DataActivationNotification[];
}

function pieceToCbor(p: PieceActivationManifest): unknown[] {
  return [
    p.cid,
    p.size,
    p.verifiedAllocationKey === null ? null : [p.verifiedAllocationKey.client, p.verifiedAllocationKey.id],
    p.notify.map((n) => [cborOf.address(n.address), n.payload]),
  ];
}

function pieceFromCbor(v: unknown, p: string): PieceActivationManifest {
  const t = asTuple(v, 4, p);
  return {
    cid: asCid(t[0], `${p}/cid`),
    size: asUint(t[1], `${p}/size`),
    verifiedAllocationKey: asNullable(t[2], `${p}/verified_allocation_key`, (k, kp) => {
      const kt = asTuple(k, 2, kp);
      return { client: asUint(kt[0], `${kp}/client`), id: asUint(kt[1], `${kp}/id`) };
    }),
    notify: asArray(t[3], `${p}/notify`, (n, np) => {
      const nt = asTuple(n, 2, np);
      return { address: asAddress(nt[0], `${np}/address`), payload: asBytes(nt[1], `${np}/payload`) };
    }),
  };
}

// ---- ProveCommitSectors3 (34) ----

export interface SectorActivationManifest {
  sectorNumber: number;
  pieces: PieceActivationManifest[];
}

export interface ProveCommitSectors3Params {
  sectorActivations: SectorActivationManifest[];
  /** One proof per sector, or none when `aggregateProof` carries them all. */
  sectorProofs: Uint8Array[];
  aggregateProof: Uint8Array;
  aggregateProofType: number | null;
  requireActivationSuccess: boolean;
  requireNotificationSuccess: boolean;
}

export function encodeProveCommitSectors3(p: ProveCommitSectors3Params): Uint8Array {
  return encodeCbor([
    p.sectorActivations.map((s) => [s.sectorNumber, s.pieces.map(pieceToCbor)]),
    p.sectorProofs,
    p.aggregateProof,
    p.aggregateProofType,
    p.requireActivationSuccess,
    p.requireNotificationSuccess,
  ]);
}

export function decodeProveCommitSectors3(bytes: Uint8Array, path = "params"): ProveCommitSectors3Params {
  const t = asTuple(decodeCbor(bytes, path), 6, path);
  return {
    sectorActivations: asArray(t[0], `${path}/sector_activations`, (v, p) => {
      const st = asTuple(v, 2, p);
      return {
        sectorNumber: asUint(st[0], `${p}/sector_number`),
        pieces: asArray(st[1], `${p}/pieces`, pieceFromCbor),
      };
    }),
    sectorProofs: asArray(t[1], `${path}/sector_proofs`, asBytes),
    aggregateProof: asBytes(t[2], `${path}/aggregate_proof`),
    aggregateProofType: asNullable(t[3], `${path}/aggregate_proof_type`, asUint),
    requireActivationSuccess: asBool(t[4], `${path}/require_activation_success`),
    requireNotificationSuccess: asBool(t[5], `${path}/require_notification_success`),
  };
}

// ---- ProveCommitAggregate (26) ----

export interface ProveCommitAggregateParams {
  sectorNumbers: BitRange[];
  aggregateProof: Uint8Array;
}

export function encodeProveCommitAggregate(p: ProveCommitAggregateParams): Uint8Array {
  return encodeCbor([cborOf.bitField(p.sectorNumbers), p.aggregateProof]);
}

export function decodeProveCommitAggregate(bytes: Uint8Array, path = "params"): ProveCommitAggregateParams {
  const t = asTuple(decodeCbor(bytes, path), 2, path);
  return {
    sectorNumbers: asBitField(t[0], `${path}/sector_numbers`),
    aggregateProof: asBytes(t[1], `${path}/aggregate_proof`),
  };
}

// ---- SubmitWindowedPoSt (5) ----

export interface PoStPartition {
  index: number;
  skipped: BitRange[];
}

export interface PoStProof {
  postProof: number;
  proofBytes: Uint8Array;
}

export interface SubmitWindowedPoStParams {
  deadline: number;
  partitions: PoStPartition[];
  proofs: PoStProof[];
  chainCommitEpoch: number;
  chainCommitRand: Uint8Array;
}

export function encodeSubmitWindowedPoSt(p: SubmitWindowedPoStParams): Uint8Array {
  return encodeCbor([
    p.deadline,
    p.partitions.map((x) => [x.index, cborOf.bitField(x.skipped)]),
    p.proofs.map((x) => [x.postProof, x.proofBytes]),
    p.chainCommitEpoch,
    p.chainCommitRand,
  ]);
}

export function decodeSubmitWindowedPoSt(bytes: Uint8Array, path = "params"): SubmitWindowedPoStParams {
  const t = asTuple(decodeCbor(bytes, path), 5, path);
  return {
    deadline: asUint(t[0], `${path}/deadline`),
    partitions: asArray(t[1], `${path}/partitions`, (v, p) => {
      const pt = asTuple(v, 2, p);
      return { index: asUint(pt[0], `${p}/index`), skipped: asBitField(pt[1], `${p}/skipped`) };
    }),
    proofs: asArray(t[2], `${path}/proofs`, (v, p) => {
      const pt = asTuple(v, 2, p);
      return { postProof: asUint(pt[0], `${p}/post_proof`), proofBytes: asBytes(pt[1], `${p}/proof_bytes`) };
    }),
    chainCommitEpoch: asInt(t[3], `${path}/chain_commit_epoch`),
    chainCommitRand: asBytes(t[4], `${path}/chain_commit_rand`),
  };
}

// ---- ProveReplicaUpdates3 (35) ----

export interface SectorUpdateManifest {
  sector: number;
  deadline: number;
  partition: number;
  /** The new CommR. */
  newSealedCid: CID;
  pieces: PieceActivationManifest[];
}

export interface ProveReplicaUpdates3Params {
  sectorUpdates: SectorUpdateManifest[];
  sectorProofs: Uint8Array[];
  aggregateProof: Uint8Array;
  updateProofsType: number;
  aggregateProofType: number | null;
  requireActivationSuccess: boolean;
  requireNotificationSuccess: boolean;
}

export function encodeProveReplicaUpdates3(p: ProveReplicaUpdates3Params): Uint8Array {
  return encodeCbor([
    p.sectorUpdates.map((u) => [u.sector, u.deadline, u.partition, u.newSealedCid, u.pieces.map(pieceToCbor)]),
    p.sectorProofs,
    p.aggregateProof,
    p.updateProofsType,
    p.aggregateProofType,
    p.requireActivationSuccess,
    p.requireNotificationSuccess,
  ]);
}

export function decodeProveReplicaUpdates3(bytes: Uint8Array, path = "params"): ProveReplicaUpdates3Params {
  const t = asTuple(decodeCbor(bytes, path), 7, path);
  return {
    sectorUpdates: asArray(t[0], `${path}/sector_updates`, (v, p) => {
      const ut = asTuple(v, 5, p);
      return {
        sector: asUint(ut[0], `${p}/sector`),
        deadline: asUint(ut[1], `${p}/deadline`),
        partition: asUint(ut[2], `${p}/partition`),
        newSealedCid: asCid(ut[3], `${p}/new_sealed_cid`),
        pieces: asArray(ut[4], `${p}/pieces`, pieceFromCbor),
      };
    }),
    sectorProofs: asArray(t[1], `${path}/sector_proofs`, asBytes),
    aggregateProof: asBytes(t[2], `${path}/aggregate_proof`),
    updateProofsType: asUint(t[3], `${path}/update_proofs_type`),
    aggregateProofType: asNullable(t[4], `${path}/aggregate_proof_type`, asUint),
    requireActivationSuccess: asBool(t[5], `${path}/require_activation_success`),
    requireNotificationSuccess: asBool(t[6], `${path}/require_notification_success`),
  };
}

// ---- DeclareFaultsRecovered (11) ----

export interface RecoveryDeclaration {
  deadline: number;
  partition: number;
  sectors: BitRange[];
}

export interface DeclareFaultsRecoveredParams {
  recoveries: RecoveryDeclaration[];
}

export function encodeDeclareFaultsRecovered(p: DeclareFaultsRecoveredParams): Uint8Array {
  return encodeCbor([p.recoveries.map((r) => [r.deadline, r.partition, cborOf.bitField(r.sectors)])]);
}

export function decodeDeclareFaultsRecovered(bytes: Uint8Array, path = "params"): DeclareFaultsRecoveredParams {
  const [recoveries] = asTuple(decodeCbor(bytes, path), 1, path);
  return {
    recoveries: asArray(recoveries, `${path}/recoveries`, (v, p) => {
      const t = asTuple(v, 3, p);
      return {
        deadline: asUint(t[0], `${p}/deadline`),
        partition: asUint(t[1], `${p}/partition`),
        sectors: asBitField(t[2], `${p}/sectors`),
      };
    }),
  };
}
