import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { xxhash64 } from "./xxhash64.js";

const hex = (h: bigint): string => h.toString(16).padStart(16, "0");
/** The bytes `(i * 31 + 7) & 255` for i < n: lengths around the 32-byte stripe and the 8/4/1-byte tails. */
const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

test("xxhash64 matches the values printed by xxhsum -H64", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  assert.equal(hex(xxhash64(text(""))), "ef46db3751d8e999");
  assert.equal(hex(xxhash64(text("a"))), "d24ec4f1a98c6e5b");
  assert.equal(hex(xxhash64(text("abc"))), "44bc2cf5ad770999");
  assert.equal(hex(xxhash64(text("Nobody inspects the spammish repetition"))), "fbcea83c8a378bf1");
  assert.equal(hex(xxhash64(pattern(32))), "8d57d6a4671cc43d");
  assert.equal(hex(xxhash64(pattern(33))), "62c9fd21ed857664");
  assert.equal(hex(xxhash64(pattern(64))), "7bbabbc45729d17e");
  assert.equal(hex(xxhash64(pattern(100))), "efa0ad2d3e70c151");
  // A view into a larger buffer hashes only its own bytes.
  const big = pattern(200);
  assert.equal(hex(xxhash64(big.subarray(0, 100))), "efa0ad2d3e70c151");
});

test("xxhash64 agrees with the real xxhsum (Debian package xxhash, installed by .ci/run) on lengths 0 to 80", () => {
  for (let n = 0; n <= 80; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n * 7 + 3) & 255);
    const out = execFileSync("xxhsum", ["-H64"], { input: data }).toString();
    assert.equal(hex(xxhash64(data)), out.split(/\s+/)[0], `length ${n}`);
  }
});
