// A real snap upgrade of a sealed 2 KiB CC sector through `sealfarm-proofs run <stage>`, as damocles' snapup plan
// drives the processors: the deal staged with add_pieces, snap_encode into update/ and update-cache/, then
// snap_partition_proofs and snap_prove. What comes out is what ProveReplicaUpdates3 carries.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SealDir } from "../manager/real-seal.js";
import { runStage } from "../manager/real-seal.js";

export interface SnapUpdate {
  /** The update replica and its cache: what WindowPoSt proves once the upgrade is on chain. */
  replica: string;
  cache: string;
  commRNew: number[];
  commDNew: number[];
  /** The deal's piece: CommP and padded size. */
  piece: { commitment: number[]; paddedSize: number };
  /** snap_prove's bundle: the update proof bytes. */
  proof: Uint8Array;
}

const UPDATE_PROOF = "StackedDrg2KiBV1";

/** Upgrades `sealed` with one deal of `payload` bytes (≤ 1016, so one 1 KiB piece). */
export async function snapUpgrade(bin: string, sealed: SealDir, dir: string, payload: Buffer): Promise<SnapUpdate> {
  mkdirSync(dir, { recursive: true });
  const deal = join(dir, "deal.car");
  writeFileSync(deal, payload);
  const staged = join(dir, "update-staged");
  const pieces = (await runStage(bin, "add_pieces", {
    seal_proof_type: "StackedDrg2KiBV1_1",
    pieces: [{ piece_file: { local: deal }, payload_size: payload.length, piece_size: 1016 }],
    staged_filepath: staged,
  })) as unknown as { commitment: number[]; size: number }[];
  const replica = join(dir, "update");
  const cache = join(dir, "update-cache");
  mkdirSync(cache, { recursive: true });
  const encoded = await runStage(bin, "snap_encode", {
    registered_proof: UPDATE_PROOF,
    new_replica_path: replica,
    new_cache_path: cache,
    sector_path: sealed.sealed,
    sector_cache_path: sealed.cache,
    staged_data_path: staged,
    piece_infos: pieces,
  });
  const comms = {
    comm_r_old: sealed.commR,
    comm_r_new: encoded.comm_r_new as number[],
    comm_d_new: encoded.comm_d_new as number[],
  };
  const vanilla = await runStage(bin, "snap_partition_proofs", {
    registered_proof: UPDATE_PROOF,
    ...comms,
    sector_path: sealed.sealed,
    sector_cache_path: sealed.cache,
    replica_path: replica,
    replica_cache_path: cache,
  });
  // "vannilla_proofs" is the field's name in damocles' processor protocol (spelling included).
  const bundle = await runStage(bin, "snap_prove", {
    registered_proof: UPDATE_PROOF,
    vannilla_proofs: vanilla,
    ...comms,
  });
  const [piece] = pieces;
  if (piece === undefined) throw new Error("add_pieces returned no piece");
  return {
    replica,
    cache,
    commRNew: comms.comm_r_new,
    commDNew: comms.comm_d_new,
    piece: { commitment: piece.commitment, paddedSize: (piece.size / 127) * 128 },
    proof: Uint8Array.from(bundle as unknown as number[]),
  };
}
