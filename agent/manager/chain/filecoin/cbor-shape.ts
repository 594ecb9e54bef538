// DAG-CBOR through @ipld/dag-cbor, and readers that check a decoded value's shape against a builtin-actors tuple,
// naming the field path on a mismatch ("params/sectors/0/sealed_cid: expected a CID, got 5"). Pure.
import * as dagCbor from "@ipld/dag-cbor";
import { CID } from "multiformats/cid";
import { addressFromBytes, addressToBytes, type FilAddress } from "./address.js";
import { bigIntFromBytes, bigIntToBytes } from "./big-int.js";
import { type BitRange, decodeRlePlus, encodeRlePlus } from "./rle-plus.js";

export class CborShapeError extends Error {
  override name = "CborShapeError";
  constructor(
    readonly path: string,
    readonly expected: string,
    got: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${describeCbor(got)}`);
  }
}

export function describeCbor(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (CID.asCID(v) !== null) return `CID ${String(v)}`;
  if (typeof v === "bigint") return `${v}`;
  if (typeof v === "object") return "a map";
  return JSON.stringify(v) ?? String(v);
}

export function encodeCbor(value: unknown): Uint8Array {
  return dagCbor.encode(value);
}

/** Decodes strict DAG-CBOR; a malformed encoding is a CborShapeError at `path`. */
export function decodeCbor(bytes: Uint8Array, path: string): unknown {
  try {
    return dagCbor.decode(bytes);
  } catch (error) {
    throw new CborShapeError(path, "DAG-CBOR", `undecodable bytes (${(error as Error).message})`);
  }
}

export function asTuple(v: unknown, length: number, path: string): unknown[] {
  if (!Array.isArray(v) || v.length !== length) throw new CborShapeError(path, `a tuple of ${length}`, v);
  return v;
}

export function asArray<T>(v: unknown, path: string, item: (x: unknown, path: string) => T): T[] {
  if (!Array.isArray(v)) throw new CborShapeError(path, "an array", v);
  return v.map((x, i) => item(x, `${path}/${i}`));
}

/** An unsigned integer small enough for a JS number (sector numbers, deadlines, epochs ≥ 0, proof types). */
export function asUint(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new CborShapeError(path, "an unsigned integer", v);
  return v;
}

/** A signed integer (ChainEpoch). */
export function asInt(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new CborShapeError(path, "an integer", v);
  return v;
}

export function asBool(v: unknown, path: string): boolean {
  if (typeof v !== "boolean") throw new CborShapeError(path, "a boolean", v);
  return v;
}

export function asBytes(v: unknown, path: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new CborShapeError(path, "a byte string", v);
  return v;
}

export function asCid(v: unknown, path: string): CID {
  const cid = CID.asCID(v);
  if (cid === null) throw new CborShapeError(path, "a CID", v);
  return cid;
}

export function asNullable<T>(v: unknown, path: string, item: (x: unknown, path: string) => T): T | null {
  return v === null ? null : item(v, path);
}

export function asAddress(v: unknown, path: string): FilAddress {
  const bytes = asBytes(v, path);
  try {
    return addressFromBytes(bytes);
  } catch (error) {
    throw new CborShapeError(path, "an address", `${bytes.length} bytes (${(error as Error).message})`);
  }
}

export function asBigInt(v: unknown, path: string): bigint {
  const bytes = asBytes(v, path);
  try {
    return bigIntFromBytes(bytes);
  } catch (error) {
    throw new CborShapeError(path, "a BigInt", `${bytes.length} bytes (${(error as Error).message})`);
  }
}

export function asBitField(v: unknown, path: string): BitRange[] {
  const bytes = asBytes(v, path);
  try {
    return decodeRlePlus(bytes);
  } catch (error) {
    throw new CborShapeError(path, "an RLE+ bitfield", `${bytes.length} bytes (${(error as Error).message})`);
  }
}

/** The CBOR values of the Filecoin scalar types, for building tuples to encode. */
export const cborOf = {
  address: (a: FilAddress): Uint8Array => addressToBytes(a),
  bigInt: (v: bigint): Uint8Array => bigIntToBytes(v),
  bitField: (r: readonly BitRange[]): Uint8Array => encodeRlePlus(r),
};
