// The messages the manager will send through the Lotus client, built from plain values: method number, params in
// DAG-CBOR, value (deposit, pledge), and a MsgUuid derived from the manager's own message record, so the push of a
// record retried after a crash or a timeout is recognized by Lotus as the same message and lands once. The
// knobs are lotus-miner's ([Sealing] AggregateCommits, MinCommitBatch, AggregateAboveBaseFee,
// CollateralFromMinerBalance, [Fees] Max*Fee). Pure.
import { createHash } from "node:crypto";
import type { CID } from "./filecoin/cid.js";
import { MinerMethod, RegisteredAggregateProof } from "./filecoin/miner-methods.js";
import {
  encodeDeclareFaultsRecovered,
  encodePreCommitSectorBatch2,
  encodeProveCommitSectors3,
  encodeProveReplicaUpdates3,
  encodeSubmitWindowedPoSt,
  type SectorPreCommitInfo,
} from "./filecoin/miner-params.js";
import type { BitRange } from "./filecoin/rle-plus.js";
import type { Message, MessageSendSpec } from "./lotus/lotus-shapes.js";

export interface CommitPolicy {
  aggregateCommits: boolean;
  /** Fewer sectors than this are never aggregated (builtin-actors' minimum is 4). */
  minCommitBatch: number;
  /** Aggregation pays off only when the base fee is above this (lotus-miner default 0.15 nanoFIL). */
  aggregateAboveBaseFee: bigint;
}

export function defaultCommitPolicy(): CommitPolicy {
  return { aggregateCommits: true, minCommitBatch: 4, aggregateAboveBaseFee: 150_000_000n };
}

/** Whether a batch of `count` proofs goes as one SnarkPack aggregate rather than one proof per sector. */
export function shouldAggregate(count: number, baseFee: bigint, p: CommitPolicy): boolean {
  return p.aggregateCommits && count >= Math.max(4, p.minCommitBatch) && baseFee > p.aggregateAboveBaseFee;
}

/** A UUID (RFC 4122 layout, version 5 bits) derived from a manager message record id. */
export function messageUuid(recordId: string): string {
  const h = createHash("sha256").update("sealfarm-message:").update(recordId).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function sendSpec(recordId: string, maxFee: bigint): MessageSendSpec {
  return { maxFee, msgUuid: messageUuid(recordId) };
}

function message(miner: string, worker: string, method: number, params: Uint8Array, value: bigint): Message {
  return {
    version: 0,
    to: miner,
    from: worker,
    nonce: 0,
    value,
    gasLimit: 0,
    gasFeeCap: 0n,
    gasPremium: 0n,
    method,
    params,
  };
}

/** What to send as value: the whole amount, or only what the miner's available balance does not cover. */
export function collateral(needed: bigint, available: bigint, fromMinerBalance: boolean): bigint {
  if (!fromMinerBalance) return needed;
  return needed > available ? needed - available : 0n;
}

export function preCommitBatchMessage(o: {
  miner: string;
  worker: string;
  sectors: SectorPreCommitInfo[];
  value: bigint;
}): Message {
  if (o.sectors.length === 0) throw new RangeError("a PreCommit batch needs at least one sector");
  return message(
    o.miner,
    o.worker,
    MinerMethod.PreCommitSectorBatch2,
    encodePreCommitSectorBatch2({ sectors: o.sectors }),
    o.value,
  );
}

/** ProveCommitSectors3 for CC sectors: one proof per sector, or one aggregate for all of them. */
export function proveCommitMessage(o: {
  miner: string;
  worker: string;
  /** The pieces are the sector's data (none for CC), as its PreCommit's CommD was computed from them. */
  sectors: { number: number; proof: Uint8Array; pieces?: { cid: CID; size: number }[] }[];
  aggregateProof?: Uint8Array;
  value: bigint;
}): Message {
  if (o.sectors.length === 0) throw new RangeError("a ProveCommit needs at least one sector");
  const aggregate = o.aggregateProof !== undefined;
  return message(
    o.miner,
    o.worker,
    MinerMethod.ProveCommitSectors3,
    encodeProveCommitSectors3({
      sectorActivations: o.sectors.map((s) => ({
        sectorNumber: s.number,
        pieces: (s.pieces ?? []).map((p) => ({ cid: p.cid, size: p.size, verifiedAllocationKey: null, notify: [] })),
      })),
      sectorProofs: aggregate ? [] : o.sectors.map((s) => s.proof),
      aggregateProof: o.aggregateProof ?? new Uint8Array(0),
      aggregateProofType: aggregate ? RegisteredAggregateProof.SnarkPackV2 : null,
      // A batch must not fail as a whole for one bad sector: the others activate, the receipt names the failures.
      requireActivationSuccess: false,
      requireNotificationSuccess: false,
    }),
    o.value,
  );
}

export function windowPoStMessage(o: {
  miner: string;
  worker: string;
  deadline: number;
  partitions: { index: number; skipped: BitRange[] }[];
  proofType: number;
  /**
   * One proof per proof partition (WINDOW_POST_SECTOR_COUNT sectors each), in order. builtin-actors takes exactly
   * one PoStProof holding every partition's SNARK; ours are vanilla proofs of variable length, so each partition's
   * goes as its own PoStProof (a real chain refuses SNARK-less proofs anyway).
   */
  proofs: Uint8Array[];
  chainCommitEpoch: number;
  chainCommitRand: Uint8Array;
}): Message {
  return message(
    o.miner,
    o.worker,
    MinerMethod.SubmitWindowedPoSt,
    encodeSubmitWindowedPoSt({
      deadline: o.deadline,
      partitions: o.partitions,
      proofs: o.proofs.map((proofBytes) => ({ postProof: o.proofType, proofBytes })),
      chainCommitEpoch: o.chainCommitEpoch,
      chainCommitRand: o.chainCommitRand,
    }),
    0n,
  );
}

export function declareRecoveredMessage(o: {
  miner: string;
  worker: string;
  recoveries: { deadline: number; partition: number; sectors: BitRange[] }[];
}): Message {
  return message(
    o.miner,
    o.worker,
    MinerMethod.DeclareFaultsRecovered,
    encodeDeclareFaultsRecovered({ recoveries: o.recoveries }),
    0n,
  );
}

/** ProveReplicaUpdates3 for one SnapUp: the sector (where the chain has it), its new CommR and the deal pieces. */
export function replicaUpdateMessage(o: {
  miner: string;
  worker: string;
  sector: number;
  deadline: number;
  partition: number;
  newSealedCid: CID;
  pieces: { cid: CID; size: number }[];
  updateProofType: number;
  proof: Uint8Array;
}): Message {
  return message(
    o.miner,
    o.worker,
    MinerMethod.ProveReplicaUpdates3,
    encodeProveReplicaUpdates3({
      sectorUpdates: [
        {
          sector: o.sector,
          deadline: o.deadline,
          partition: o.partition,
          newSealedCid: o.newSealedCid,
          pieces: o.pieces.map((p) => ({ cid: p.cid, size: p.size, verifiedAllocationKey: null, notify: [] })),
        },
      ],
      sectorProofs: [o.proof],
      aggregateProof: new Uint8Array(0),
      updateProofsType: o.updateProofType,
      aggregateProofType: null,
      requireActivationSuccess: true,
      requireNotificationSuccess: false,
    }),
    0n,
  );
}
