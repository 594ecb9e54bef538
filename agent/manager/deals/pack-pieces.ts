// Packing queued deal pieces into one sector (rust-fil-proofs' add_piece alignment): every piece
// starts at a multiple of its own padded size; the gaps and the tail are pledge (zero) pieces, each as large as
// the alignment of its offset allows. Pure.

export interface QueuedPiece {
  dealId: number;
  paddedSize: number;
}

export type Placement =
  | { kind: "deal"; dealId: number; paddedSize: number; offset: number }
  | { kind: "pledge"; paddedSize: number; offset: number };

/** Pledge pieces covering [from, to): largest power of two that is aligned at the offset and fits. */
export function pledgeFill(from: number, to: number): Placement[] {
  const out: Placement[] = [];
  let at = from;
  while (at < to) {
    let size = 2 ** Math.floor(Math.log2(to - at));
    while (at % size !== 0) size /= 2;
    out.push({ kind: "pledge", paddedSize: size, offset: at });
    at += size;
  }
  return out;
}

/** Takes queued pieces in queue order (skipping those that no longer fit) up to maxDeals. */
export function packPieces(sectorSize: number, queue: readonly QueuedPiece[], maxDeals: number): Placement[] {
  const out: Placement[] = [];
  let at = 0;
  let deals = 0;
  for (const p of queue) {
    if (deals >= maxDeals) break;
    const offset = Math.ceil(at / p.paddedSize) * p.paddedSize;
    if (offset + p.paddedSize > sectorSize) continue;
    out.push(...pledgeFill(at, offset));
    out.push({ kind: "deal", dealId: p.dealId, paddedSize: p.paddedSize, offset });
    at = offset + p.paddedSize;
    deals++;
  }
  if (deals === 0) return [];
  out.push(...pledgeFill(at, sectorSize));
  return out;
}
