// WdPoSt job ids are content hashes of the job input, so the same input is the same job (damocles uses base58 of
// xxhash64; sealfarm uses base58 of the first 8 bytes of SHA-256: workers only echo the id back). Pure.
import { createHash } from "node:crypto";

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

export function wdpostJobId(inputJson: string): string {
  return base58(createHash("sha256").update(inputJson).digest().subarray(0, 8));
}
