// PUT /piecestore/<cid> (damocles' pkg/piecestore/proxy.go; the target of an unseal's `store:///<cid>`): the body goes to a
// hidden temp file in the piece store, is fsynced, checked by `sealfarm-proofs commp` to really be that piece, and
// only then renamed to its CID (and the directory fsynced). A refused, failed or cut upload removes its temp file;
// one left by a killed manager is removed at the next start (removeStalePartials).
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { sealProofInfo } from "../../../components/core/proofs/registered-proofs.js";
import type { ManagerContext } from "../context.js";
import { commitmentFromPieceCid } from "../proofs/piece-cid.js";
import { computeCommP } from "../proofs/proofs-binary.js";

const PARTIAL = /^\..*\.part$/;

/** Why the upload was refused, as an HTTP status and a message. */
export class PieceUploadError extends Error {
  override readonly name = "PieceUploadError";
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

export interface StoredPiece {
  PieceCid: string;
  Size: number;
}

/** The largest piece any configured miner could hold, unpadded: larger bodies are refused early. */
export function maxPieceBytes(ctx: ManagerContext): number {
  const sizes = ctx.config.miners.map((m) => sealProofInfo(m.sealProof)?.sectorSizeBytes ?? 0);
  const padded = Math.max(0, ...sizes);
  return padded - padded / 128;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `body` under the piece store as `cid` if its CommP says it is that piece. */
export async function storeUploadedPiece(
  ctx: ManagerContext,
  cid: string,
  body: AsyncIterable<Buffer>,
  declaredBytes: number | undefined,
): Promise<StoredPiece> {
  if (commitmentFromPieceCid(cid) === null)
    throw new PieceUploadError(400, `piece CID: expected a piece CID (baga6ea4seaq…), got ${JSON.stringify(cid)}`);
  const limit = maxPieceBytes(ctx);
  if (declaredBytes !== undefined && declaredBytes > limit)
    throw new PieceUploadError(413, `body of ${declaredBytes} bytes is larger than the largest piece (${limit} bytes)`);
  const dir = ctx.config.pieceStorePath;
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${cid}.${randomBytes(6).toString("hex")}.part`);
  const fh = await open(temp, "wx");
  let kept = false;
  try {
    let size = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > limit) throw new PieceUploadError(413, `body is larger than the largest piece (${limit} bytes)`);
        await fh.write(chunk);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (declaredBytes !== undefined && size !== declaredBytes)
      throw new PieceUploadError(400, `body ended after ${size} of ${declaredBytes} bytes`);
    if (size === 0) throw new PieceUploadError(400, "empty body");
    const commp = await computeCommP(ctx.proofsBin, temp);
    if (commp.piece_cid !== cid)
      throw new PieceUploadError(400, `the body is piece ${commp.piece_cid}, not ${cid}: nothing stored`);
    await rename(temp, join(dir, cid));
    kept = true;
    await fsyncDir(dir);
    return { PieceCid: cid, Size: size };
  } finally {
    if (!kept) await rm(temp, { force: true });
  }
}

/** Temp files of uploads a killed manager never finished. */
export function removeStalePartials(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (PARTIAL.test(n)) rmSync(join(dir, n), { force: true });
}
