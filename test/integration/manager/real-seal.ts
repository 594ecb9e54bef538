// A real 2 KiB CC seal through `sealfarm-proofs run <stage>` (tree_d → pc1 → pc2, then c1 → c2 once the manager
// gives the seed), and a real WindowPoSt over the persisted files: what a worker's processors would do.
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zeroCommitment } from "../../../agent/manager/proofs/comm-d.js";
import { proverId, runProofs } from "../../../agent/manager/proofs/proofs-binary.js";
import { fromBase64 } from "../../../agent/shared/rpc/bytes.js";

export async function runStage(bin: string, stage: string, task: unknown): Promise<Record<string, unknown>> {
  const r = await runProofs(bin, ["run", stage], JSON.stringify(task));
  if (r.code !== 0) throw new Error(`sealfarm-proofs run ${stage} exited ${r.code}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const bytes = (b64: string) => Array.from(fromBase64(b64) ?? Buffer.alloc(0));

export interface SealDir {
  dir: string;
  cache: string;
  sealed: string;
  commR: number[];
  commD: number[];
}

/** tree_d, pc1 and pc2 of an all-zero (CC) 2 KiB sector with the manager's ticket. */
export async function precommitPhase(bin: string, dir: string, sector: number, ticketB64: string): Promise<SealDir> {
  const cache = join(dir, "cache");
  mkdirSync(cache, { recursive: true });
  const staged = join(dir, "staged");
  const sealed = join(dir, "sealed");
  writeFileSync(staged, Buffer.alloc(2048));
  writeFileSync(sealed, "");
  const proof = "StackedDrg2KiBV1_1";
  await runStage(bin, "tree_d", { registered_proof: proof, staged_file: staged, cache_dir: cache });
  const pieceInfos = [{ commitment: Array.from(zeroCommitment(2048)), size: 2032 }];
  const pc1out = await runStage(bin, "pc1", {
    registered_proof: proof,
    cache_path: cache,
    in_path: staged,
    out_path: sealed,
    prover_id: proverId(1000),
    sector_id: sector,
    ticket: bytes(ticketB64),
    piece_infos: pieceInfos,
  });
  const pc2 = await runStage(bin, "pc2", { pc1out, cache_dir: cache, sealed_file: sealed });
  return { dir, cache, sealed, commR: pc2.comm_r as number[], commD: pc2.comm_d as number[] };
}

/** c1 and c2: returns the proof bytes as base64, ready for Venus.SubmitProof. */
export async function commitPhase(
  bin: string,
  s: SealDir,
  sector: number,
  ticketB64: string,
  seedB64: string,
): Promise<string> {
  const c1out = await runStage(bin, "c1", {
    registered_proof: "StackedDrg2KiBV1_1",
    cache_path: s.cache,
    replica_path: s.sealed,
    comm_r: s.commR,
    comm_d: s.commD,
    prover_id: proverId(1000),
    sector_id: sector,
    ticket: bytes(ticketB64),
    seed: bytes(seedB64),
    piece_infos: [{ commitment: Array.from(zeroCommitment(2048)), size: 2032 }],
  });
  const c2 = await runStage(bin, "c2", { c1out, prover_id: proverId(1000), sector_id: sector, miner_id: 1000 });
  return Buffer.from(c2.proof as number[]).toString("base64");
}

/** Copies the sealed file and cache into a persist store in damocles' layout (sealed/<name>, cache/<name>). */
export function persist(s: SealDir, storePath: string, name: string): void {
  mkdirSync(join(storePath, "sealed"), { recursive: true });
  mkdirSync(join(storePath, "cache"), { recursive: true });
  copyFileSync(s.sealed, join(storePath, "sealed", name));
  cpSync(s.cache, join(storePath, "cache", name), { recursive: true });
}
