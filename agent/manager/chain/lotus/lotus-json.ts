// Lotus v1 API JSON shapes ↔ sealfarm's values, both ways (the client decodes what the devnet encodes): CIDs as
// {"/": "…"}, BigInts as decimal strings, []byte as base64, addresses as strings, bitfields as run lengths,
// TipSetKey as an array of CIDs, Go structs with their exported field names. Decoders tolerate extra fields (newer
// Lotus versions add some) and name the path of anything missing or mistyped. Pure.
import { fromBase64, toBase64 } from "../../../shared/rpc/bytes.js";
import { parseAddress } from "../filecoin/address.js";
import { bigIntFromJson, bigIntToJson } from "../filecoin/big-int.js";
import { CID, type CidJson, cidFromJson, cidToJson } from "../filecoin/cid.js";
import { type BitRange, rangesFromRuns, runsFromRanges } from "../filecoin/rle-plus.js";

export class LotusJsonError extends Error {
  override name = "LotusJsonError";
  constructor(
    readonly path: string,
    readonly expected: string,
    got: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${preview(got)}`);
  }
}

function preview(v: unknown): string {
  const s = v === undefined ? "nothing" : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

type Obj = Record<string, unknown>;

export function obj(v: unknown, path: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new LotusJsonError(path, "an object", v);
  return v as Obj;
}

export function int(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new LotusJsonError(path, "an integer", v);
  return v;
}

export function uint(v: unknown, path: string): number {
  if (int(v, path) < 0) throw new LotusJsonError(path, "an unsigned integer", v);
  return v as number;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== "string") throw new LotusJsonError(path, "a string", v);
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== "boolean") throw new LotusJsonError(path, "a boolean", v);
  return v;
}

export function big(v: unknown, path: string): bigint {
  try {
    return bigIntFromJson(v);
  } catch {
    throw new LotusJsonError(path, 'a BigInt as a decimal string ("1000")', v);
  }
}

export function cid(v: unknown, path: string): CID {
  try {
    return cidFromJson(v);
  } catch {
    throw new LotusJsonError(path, 'a CID as {"/": "…"}', v);
  }
}

export function address(v: unknown, path: string): string {
  try {
    return formatCanonical(str(v, path));
  } catch (error) {
    if (error instanceof LotusJsonError) throw error;
    throw new LotusJsonError(path, "a Filecoin address", v);
  }
}

function formatCanonical(text: string): string {
  parseAddress(text);
  return text;
}

/** Go []byte: base64, and null for a nil slice. */
export function bytes(v: unknown, path: string): Uint8Array {
  if (v === null) return new Uint8Array(0);
  const b = typeof v === "string" ? fromBase64(v) : null;
  if (b === null) throw new LotusJsonError(path, "bytes as base64", v);
  return b;
}

export function list<T>(v: unknown, path: string, item: (x: unknown, path: string) => T): T[] {
  // Go encodes a nil slice as null.
  if (v === null) return [];
  if (!Array.isArray(v)) throw new LotusJsonError(path, "an array", v);
  return v.map((x, i) => item(x, `${path}/${i}`));
}

export function nullable<T>(v: unknown, path: string, item: (x: unknown, path: string) => T): T | null {
  return v === null || v === undefined ? null : item(v, path);
}

export function bitfield(v: unknown, path: string): BitRange[] {
  const runs = list(v, path, uint);
  try {
    return rangesFromRuns(runs);
  } catch (error) {
    throw new LotusJsonError(path, `a bitfield as run lengths (${(error as Error).message})`, v);
  }
}

export const toJson = {
  cid: (c: CID): CidJson => cidToJson(c),
  big: (v: bigint): string => bigIntToJson(v),
  bytes: (b: Uint8Array): string => toBase64(b),
  bitfield: (r: readonly BitRange[]): number[] => runsFromRanges(r),
  tipSetKey: (k: readonly CID[]): CidJson[] => k.map(cidToJson),
};

export function tipSetKey(v: unknown, path: string): CID[] {
  return list(v, path, cid);
}

export { CID };
