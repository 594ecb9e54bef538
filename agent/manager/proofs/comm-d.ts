// CommD from a sector's pieces (rust-fil-proofs' filecoin-proofs/src/pieces.rs): the SHA254 binary tree, zero-piece commitments
// and rust-fil-proofs' `compute_comm_d` stack. Pure; node:crypto supplies SHA-256 only.
import { createHash } from "node:crypto";

/** SHA-256 of left ‖ right with the top two bits of the last byte cleared, so the digest is a valid Fr. */
export function sha254(left: Uint8Array, right: Uint8Array): Buffer {
  const digest = createHash("sha256").update(left).update(right).digest();
  digest[31] = (digest[31] ?? 0) & 0x3f;
  return digest;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

const zeroCache = new Map<number, Buffer>([[32, Buffer.alloc(32)]]);

/** The commitment of `paddedSize` zero bytes: z(32) = 0^32, z(2s) = SHA254(z(s) ‖ z(s)). */
export function zeroCommitment(paddedSize: number): Buffer {
  if (!isPowerOfTwo(paddedSize) || paddedSize < 32)
    throw new RangeError(`zero commitment: padded size must be a power of two ≥ 32, got ${paddedSize}`);
  const cached = zeroCache.get(paddedSize);
  if (cached) return cached;
  const half = zeroCommitment(paddedSize / 2);
  const z = sha254(half, half);
  zeroCache.set(paddedSize, z);
  return z;
}

export interface PieceCommitment {
  /** Padded size in bytes: a power of two ≥ 128. */
  paddedSize: number;
  commitment: Uint8Array;
}

/**
 * rust-fil-proofs `compute_comm_d`: push pieces in order, inserting zero pieces so every piece is aligned to its
 * own size, reduce equal-sized neighbours, and pad with zero pieces to one root of the sector size.
 */
export function computeCommD(sectorSize: number, pieces: readonly PieceCommitment[]): Buffer {
  if (!isPowerOfTwo(sectorSize)) throw new RangeError(`sector size must be a power of two, got ${sectorSize}`);
  if (pieces.length === 0) return zeroCommitment(sectorSize);
  const stack: { size: number; comm: Buffer }[] = [];
  const reduce = () => {
    for (;;) {
      const b = stack[stack.length - 1];
      const a = stack[stack.length - 2];
      if (a === undefined || b === undefined || a.size !== b.size) return;
      stack.length -= 2;
      stack.push({ size: a.size * 2, comm: sha254(a.comm, b.comm) });
    }
  };
  let total = 0;
  for (const [i, piece] of pieces.entries()) {
    if (!isPowerOfTwo(piece.paddedSize) || piece.paddedSize < 128)
      throw new RangeError(`piece ${i}: padded size must be a power of two ≥ 128, got ${piece.paddedSize}`);
    if (piece.commitment.length !== 32) throw new RangeError(`piece ${i}: commitment must be 32 bytes`);
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined || top.size >= piece.paddedSize) break;
      stack.push({ size: top.size, comm: zeroCommitment(top.size) });
      total += top.size;
      reduce();
    }
    stack.push({ size: piece.paddedSize, comm: Buffer.from(piece.commitment) });
    total += piece.paddedSize;
    reduce();
  }
  if (total > sectorSize) throw new RangeError(`pieces (${total} padded bytes) exceed the sector size ${sectorSize}`);
  while (stack.length > 1 || (stack[0]?.size ?? 0) < sectorSize) {
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    stack.push({ size: top.size, comm: zeroCommitment(top.size) });
    reduce();
  }
  const root = stack[0];
  if (root === undefined || root.size !== sectorSize) throw new RangeError("comm_d: pieces did not reduce to one root");
  return root.comm;
}
