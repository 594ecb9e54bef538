// Checks for positional JSON-RPC params. Each check returns the typed value or throws a ParamError carrying the
// JSON pointer inside the param, what was expected and what was found. Pure.
import { bytes32Problem, describe, fromBase64 } from "../../shared/rpc/bytes.js";

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
          out[key] = check(undefined, `${p}/${key}`);
        } catch {
          throw new ParamError(`${p}/${key}`, "missing");
        }
        continue;
      }
      out[key] = check(src[key], `${p}/${key}`);
    }
    return out as FromShape<S>;
  };
}
