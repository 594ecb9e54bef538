// RLE+ bitfields (sector sets in miner messages and state), exactly as go-bitfield reads and writes them:
//   bits are packed least-significant first; 2 version bits (0), 1 bit: the value of the first run, then runs that
//   alternate value: "1" = length 1, "01"+4 bits = length 2..15, "00"+LEB128 varint (whole bytes) = length ≥ 16;
//   the stream ends with the last run of ones, padded with zero bits to a byte. The empty set is no bytes at all.
// In Lotus' JSON a bitfield is the list of run lengths, starting with a run of zeros: {5} is [5, 1].

export class RlePlusError extends Error {
  override name = "RlePlusError";
}

/** A run of consecutive set bits [start, start + count). */
export interface BitRange {
  start: number;
  count: number;
}

/** Sorted, merged ranges of a set of non-negative integers. */
export function rangesFromSet(values: Iterable<number>): BitRange[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const out: BitRange[] = [];
  for (const v of sorted) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RlePlusError(`expected bit indexes 0..2^53-1, got ${v}`);
    const last = out[out.length - 1];
    if (last !== undefined && last.start + last.count === v) last.count += 1;
    else out.push({ start: v, count: 1 });
  }
  return out;
}

export function setFromRanges(ranges: readonly BitRange[], limit = 1_000_000): number[] {
  const total = ranges.reduce((n, r) => n + r.count, 0);
  if (total > limit) throw new RlePlusError(`bitfield has ${total} bits set, more than the ${limit} allowed`);
  const out: number[] = [];
  for (const r of ranges) for (let i = 0; i < r.count; i++) out.push(r.start + i);
  return out;
}

/** Run lengths starting with a run of zeros (possibly 0), without the trailing zeros: Lotus' JSON form. */
export function runsFromRanges(ranges: readonly BitRange[]): number[] {
  const runs: number[] = [];
  let at = 0;
  for (const r of ranges) {
    if (r.count <= 0 || r.start < at) throw new RlePlusError("ranges must be sorted, non-empty and not overlapping");
    if (r.start === at && runs.length > 0) {
      // Touches the previous range: extend its run of ones.
      runs[runs.length - 1] = (runs[runs.length - 1] ?? 0) + r.count;
    } else {
      runs.push(r.start - at, r.count);
    }
    at = r.start + r.count;
  }
  return runs;
}

export function rangesFromRuns(runs: readonly number[]): BitRange[] {
  const ranges: BitRange[] = [];
  let at = 0;
  runs.forEach((len, i) => {
    if (!Number.isSafeInteger(len) || len < 0 || (len === 0 && i > 0))
      throw new RlePlusError(`run ${i}: expected a length ≥ 1 (only the first run of zeros may be 0), got ${len}`);
    if (i % 2 === 1) ranges.push({ start: at, count: len });
    at += len;
    if (!Number.isSafeInteger(at)) throw new RlePlusError("bitfield extends past 2^53");
  });
  return ranges;
}

class BitWriter {
  private readonly bytes: number[] = [];
  private bit = 0;
  put(value: number, width: number): void {
    for (let i = 0; i < width; i++) {
      const byte = this.bit >> 3;
      if (byte === this.bytes.length) this.bytes.push(0);
      if ((value >> i) & 1) this.bytes[byte] = (this.bytes[byte] ?? 0) | (1 << (this.bit & 7));
      this.bit++;
    }
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function encodeRlePlus(ranges: readonly BitRange[]): Uint8Array {
  const runs = runsFromRanges(ranges);
  if (runs.length === 0) return new Uint8Array(0);
  const w = new BitWriter();
  w.put(0, 2);
  const startsWithOnes = runs[0] === 0;
  w.put(startsWithOnes ? 1 : 0, 1);
  for (const len of startsWithOnes ? runs.slice(1) : runs) {
    if (len === 1) w.put(1, 1);
    else if (len < 16) {
      w.put(2, 2);
      w.put(len, 4);
    } else {
      w.put(0, 2);
      let n = BigInt(len);
      do {
        const low = Number(n & 0x7fn);
        n >>= 7n;
        w.put(n > 0n ? low | 0x80 : low, 8);
      } while (n > 0n);
    }
  }
  return w.done();
}

export function encodeRlePlusSet(values: Iterable<number>): Uint8Array {
  return encodeRlePlus(rangesFromSet(values));
}

class BitReader {
  private bit = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get remaining(): number {
    return this.bytes.length * 8 - this.bit;
  }
  /** Past the end reads zeros, as go-bitfield's reader does (the padding). */
  get(width: number): number {
    let v = 0;
    for (let i = 0; i < width; i++) {
      const byte = this.bytes[this.bit >> 3] ?? 0;
      v |= ((byte >> (this.bit & 7)) & 1) << i;
      this.bit++;
    }
    return v;
  }
  restIsZero(): boolean {
    while (this.remaining > 0) if (this.get(1) !== 0) return false;
    return true;
  }
}

export function decodeRlePlus(bytes: Uint8Array): BitRange[] {
  if (bytes.length === 0) return [];
  const r = new BitReader(bytes);
  const version = r.get(2);
  if (version !== 0) throw new RlePlusError(`RLE+ version ${version}, expected 0`);
  let value = r.get(1) === 1;
  const ranges: BitRange[] = [];
  let at = 0;
  for (;;) {
    if (r.remaining <= 0) break;
    let len: number;
    const single = r.get(1) === 1;
    if (single) len = 1;
    else if (r.get(1) === 1) {
      len = r.get(4);
      if (len === 1) throw new RlePlusError("RLE+ not minimal: run of 1 in the 4-bit form");
      if (len === 0) throw new RlePlusError("RLE+ has a run of length 0");
    } else {
      let n = 0n;
      let shift = 0n;
      for (let i = 0; ; i++) {
        if (i >= 9) throw new RlePlusError("RLE+ varint longer than 9 bytes");
        const b = r.get(8);
        n |= BigInt(b & 0x7f) << shift;
        shift += 7n;
        if ((b & 0x80) === 0) {
          if (b === 0 && i > 0) throw new RlePlusError("RLE+ varint not minimal");
          break;
        }
      }
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RlePlusError("RLE+ run longer than 2^53");
      len = Number(n);
      if (len > 0 && len < 16) throw new RlePlusError(`RLE+ not minimal: run of ${len} in the varint form`);
    }
    if (len === 0) {
      // The zero padding after the last run reads as a run of length 0: the end.
      if (!r.restIsZero()) throw new RlePlusError("RLE+ has a run of length 0 before its end");
      break;
    }
    if (value) ranges.push({ start: at, count: len });
    at += len;
    if (!Number.isSafeInteger(at)) throw new RlePlusError("RLE+ bitfield extends past 2^53");
    value = !value;
  }
  return ranges;
}

export function decodeRlePlusSet(bytes: Uint8Array, limit?: number): number[] {
  return setFromRanges(decodeRlePlus(bytes), limit);
}
