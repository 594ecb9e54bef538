// Checks for Venus.* values: the manager's positional params and the replies the worker and CLI receive. Each check
// returns the typed value or throws a ParamError carrying the JSON pointer inside the value, what was expected and
// what was found. Pure.
import { bytes32Problem, describe, fromBase64 } from "./bytes.js";

export class ParamError extends Error {
  override readonly name = "ParamError";
  constructor(
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`${pointer || "/"}: ${problem}`);
  }
}

export type Check<T> = (value: unknown, pointer: string) => T;

function fail(pointer: string, expected: string, value: unknown): never {
  throw new ParamError(pointer, `expected ${expected}, got ${describe(value)}`);
}

export const u64: Check<number> = (v, p) => {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(p, "an unsigned integer", v);
  return v;
};

/** A signed integer (chain epochs may be negative in Go's types). */
export const int: Check<number> = (v, p) => {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) fail(p, "an integer", v);
  return v;
};

/** A CID in its string form: multibase letters and digits only, so it is safe as a file name. */
export const cidString: Check<string> = (v, p) => {
  if (typeof v !== "string" || !/^[A-Za-z0-9]{1,256}$/.test(v)) fail(p, "a CID (letters and digits)", v);
  return v;
};

/** A JSON null (Go methods without a result); a missing `result` counts as null. */
export const nothing: Check<null> = (v, p) => {
  if (v !== null && v !== undefined) fail(p, "null", v);
  return null;
};

/** One of a closed set of numbers (Go enums), named in the message. */
export function oneOf<T extends number>(values: Record<string, T>): Check<T> {
  const allowed: unknown[] = Object.values(values);
  const names = Object.entries(values)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  return (v, p) => {
    if (!allowed.includes(v)) fail(p, `one of ${names}`, v);
    return v as T;
  };
}

/** A key that may be absent (left out of the result, not set to undefined). */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, p) => (v === undefined ? undefined : check(v, p));
}

export const bool: Check<boolean> = (v, p) => {
  if (typeof v !== "boolean") fail(p, "true or false", v);
  return v;
};

export const str: Check<string> = (v, p) => {
  if (typeof v !== "string") fail(p, "a string", v);
  return v;
};

export const nonEmptyStr: Check<string> = (v, p) => {
  if (typeof v !== "string" || v === "") fail(p, "a non-empty string", v);
  return v;
};

export const base64: Check<string> = (v, p) => {
  if (typeof v !== "string" || fromBase64(v) === null) fail(p, "a base64 string", v);
  return v;
};

export const base64Of32: Check<string> = (v, p) => {
  const b = typeof v === "string" ? fromBase64(v) : null;
  if (b === null || b.length !== 32) fail(p, "base64 of 32 bytes", v);
  return v as string;
};

export const bytes32: Check<number[]> = (v, p) => {
  const problem = bytes32Problem(v);
  if (problem !== null) throw new ParamError(p, problem);
  return v as number[];
};

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, p) => (v === null || v === undefined ? null : check(v, p));
}

export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) fail(p, "an array", v);
    return v.map((item, i) => check(item, `${p}/${i}`));
  };
}

/** A Go slice: `null` (a nil slice) reads as empty. */
export function listOf<T>(check: Check<T>): Check<T[]> {
  return (v, p) => (v === null || v === undefined ? [] : arrayOf(check)(v, p));
}

export function record<T>(check: Check<T>): Check<Record<string, T>> {
  return (v, p) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = check(x, `${p}/${k}`);
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type FromShape<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

/**
 * An object with exactly these keys. A missing key is checked as `undefined` (so nullable keys may be omitted);
 * unknown keys are ignored, as Go's encoding/json does.
 */
export function object<S extends Shape>(shape: S): Check<FromShape<S>> {
  return (v, p) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      if (!(key in src)) {
        try {
          const value = check(undefined, `${p}/${key}`);
          if (value !== undefined) out[key] = value;
        } catch {
          throw new ParamError(`${p}/${key}`, "missing");
        }
        continue;
      }
      const value = check(src[key], `${p}/${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out as FromShape<S>;
  };
}
