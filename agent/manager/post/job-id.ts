// WdPoSt job ids are content hashes of the job input, so the same input is the same job. As damocles: base58 (Bitcoin
// alphabet) of the little-endian 8 bytes of the xxhash64 of the input as Go's json.Marshal writes it. Pure.
import { xxhash64 } from "./xxhash64.js";

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = "";
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

/**
 * JSON.stringify output as Go's json.Marshal writes it: Go also escapes `<`, `>`, `&`, U+2028 and U+2029 inside
 * strings (HTML-safe), otherwise the two agree for the job input (struct fields in declaration order, numbers,
 * booleans, plain strings).
 */
export function goJson(jsonStringifyOutput: string): string {
  return jsonStringifyOutput.replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** `inputJson` is JSON.stringify of the WdPoStInput, fields in Go's declaration order. */
export function wdpostJobId(inputJson: string): string {
  const h = xxhash64(new TextEncoder().encode(goJson(inputJson)));
  const le = new Uint8Array(8);
  new DataView(le.buffer).setBigUint64(0, h, true);
  return base58(le);
}
