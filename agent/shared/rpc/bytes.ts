// Byte encodings on the Venus wire: Go `[]byte` is base64, Go `[32]byte` is an array of 32 numbers.

/** Go `[32]byte` → JSON: 32 numbers. */
export function toBytes32(bytes: Uint8Array): number[] {
  if (bytes.length !== 32) throw new RangeError(`expected 32 bytes, got ${bytes.length}`);
  return Array.from(bytes);
}

/** Checks a `[32]byte` JSON value; returns the reason it is not one, or null. */
export function bytes32Problem(value: unknown): string | null {
  if (!Array.isArray(value)) return `expected an array of 32 numbers, got ${describe(value)}`;
  if (value.length !== 32) return `expected an array of 32 numbers, got ${value.length} elements`;
  for (let i = 0; i < 32; i++) {
    const b = value[i];
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > 255)
      return `expected an array of 32 numbers, element ${i} is ${JSON.stringify(b)} (not a byte 0..255)`;
  }
  return null;
}

export function fromBytes32(value: number[]): Buffer {
  const problem = bytes32Problem(value);
  if (problem !== null) throw new RangeError(problem);
  return Buffer.from(value);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go `[]byte` → JSON: standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** Decodes standard padded base64 strictly (Go's decoder rejects anything else); null if it is not base64. */
export function fromBase64(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  return Buffer.from(text, "base64");
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
