// The manager's calls into `sealfarm-proofs` (the Rust binary): CommP of an imported file, and verification of
// seal and WindowPoSt proofs. The JSON contract is fixed with the native engineers (see manager.md); this file
// only spawns, feeds stdin and parses stdout.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../../components/core/package-root.js";

/** SEALFARM_PROOFS_BIN, then the config's `proofs.bin`, then the package's release build. */
export function resolveProofsBin(configured: string): string {
  const fromEnv = process.env.SEALFARM_PROOFS_BIN;
  if (fromEnv) return fromEnv;
  if (configured) return configured;
  return join(packageRoot(), "native", "target", "release", "sealfarm-proofs");
}

/** The binary could not answer (missing, lacks the subcommand, crashed): not a verdict on the proof. */
export class ProofsBinaryError extends Error {
  override readonly name = "ProofsBinaryError";
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProofs(bin: string, args: string[], stdin: string, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (!existsSync(bin)) {
      reject(new ProofsBinaryError(`sealfarm-proofs not found at ${bin} (run \`npm run build:native\`)`));
      return;
    }
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new ProofsBinaryError(`${bin} ${args.join(" ")}: ${e.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => {
      // The child may exit before reading stdin (e.g. unknown command); its exit status tells the story.
    });
    child.stdin.end(stdin);
  });
}

export type Verdict = { valid: true } | { valid: false; reason: string };

function parseVerdict(what: string, r: RunResult): Verdict {
  if (r.code !== 0) throw new ProofsBinaryError(`sealfarm-proofs ${what} exited ${r.code}: ${r.stderr.trim()}`);
  let v: unknown;
  try {
    v = JSON.parse(r.stdout.trim());
  } catch {
    throw new ProofsBinaryError(`sealfarm-proofs ${what} printed no JSON: ${JSON.stringify(r.stdout.slice(0, 200))}`);
  }
  const o = v as { valid?: unknown; reason?: unknown };
  if (o.valid === true) return { valid: true };
  if (o.valid === false) return { valid: false, reason: typeof o.reason === "string" ? o.reason : "invalid" };
  throw new ProofsBinaryError(
    `sealfarm-proofs ${what}: expected {"valid": bool}, got ${r.stdout.trim().slice(0, 200)}`,
  );
}

export interface SealVerifyInput {
  registered_proof: string;
  comm_r: number[];
  comm_d: number[];
  prover_id: number[];
  sector_id: number;
  ticket: number[];
  seed: number[];
  proof: string;
}

export interface WindowPostVerifyInput {
  proof_type: string;
  miner_id: number;
  randomness: number[];
  replicas: { sector_id: number; comm_r: number[] }[];
  proofs: string[];
}

/** A SnapUp's update proof against the old and new commitments (the proof bytes as snap_prove returned them). */
export interface SnapVerifyInput {
  registered_proof: string;
  comm_r_old: number[];
  comm_r_new: number[];
  comm_d_new: number[];
  proof: number[];
}

export async function verifySnapUpdate(bin: string, input: SnapVerifyInput): Promise<Verdict> {
  return parseVerdict("run verify_snap", await runProofs(bin, ["run", "verify_snap"], JSON.stringify(input)));
}

export async function verifySeal(bin: string, input: SealVerifyInput): Promise<Verdict> {
  return parseVerdict("verify-seal", await runProofs(bin, ["verify-seal"], JSON.stringify(input)));
}

export async function verifyWindowPost(bin: string, input: WindowPostVerifyInput): Promise<Verdict> {
  return parseVerdict("verify-window-post", await runProofs(bin, ["verify-window-post"], JSON.stringify(input)));
}

export interface CommPResult {
  comm_p: string;
  piece_cid: string;
  unpadded_size: number;
  padded_size: number;
}

export async function computeCommP(bin: string, file: string): Promise<CommPResult> {
  const r = await runProofs(bin, ["commp", file], "");
  if (r.code !== 0) throw new ProofsBinaryError(`sealfarm-proofs commp ${file} exited ${r.code}: ${r.stderr.trim()}`);
  const v = JSON.parse(r.stdout.trim()) as Partial<CommPResult>;
  if (
    typeof v.comm_p !== "string" ||
    !/^[0-9a-f]{64}$/.test(v.comm_p) ||
    typeof v.piece_cid !== "string" ||
    typeof v.padded_size !== "number" ||
    typeof v.unpadded_size !== "number"
  )
    throw new ProofsBinaryError(`sealfarm-proofs commp: unexpected output ${r.stdout.trim().slice(0, 200)}`);
  return v as CommPResult;
}

/** Whether the binary knows a subcommand: run it with `{}` and look for "unknown command". */
export async function hasSubcommand(bin: string, name: string): Promise<boolean> {
  try {
    const r = await runProofs(bin, [name], "{}", 10_000);
    return !/unknown command/i.test(r.stderr);
  } catch {
    return false;
  }
}

/** prover_id: the uvarint of the actor id, zero-padded to 32 bytes (actor 1000 → [232, 7, 0, …]). */
export function proverId(actor: number): number[] {
  const out = new Array<number>(32).fill(0);
  let v = actor;
  let i = 0;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out[i++] = byte;
  } while (v > 0);
  return out;
}
