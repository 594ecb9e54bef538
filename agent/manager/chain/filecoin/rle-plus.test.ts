import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeRlePlus,
  decodeRlePlusSet,
  encodeRlePlus,
  encodeRlePlusSet,
  RlePlusError,
  rangesFromRuns,
  rangesFromSet,
  runsFromRanges,
} from "./rle-plus.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("go-bitfield's TestDecode vector: {0, 2, 4-6, 11-27} is [124, 71, 34, 2]", () => {
  // filecoin-project/go-bitfield rle/rleplus_test.go (commit 22deea7b4162a09208d60a708bfb9c3dc5eb8506), TestDecode:
  // referenceEncoding []byte{124, 71, 34, 2}, the Rust reference implementation's output with the version "00".
  // Bit by bit: version 00, first bit 1, run 1 "1", gap 1 "1", run 1 "1", gap 1 "1", run 3 "01 1100", gap 4
  // "01 0010", run 17 "00 10001000", packed least-significant bit first.
  const set = [0, 2, 4, 5, 6, ...Array.from({ length: 17 }, (_, i) => 11 + i)];
  assert.equal(hex(encodeRlePlusSet(set)), "7c472202");
  assert.deepEqual(decodeRlePlusSet(Buffer.from("7c472202", "hex")), set);
});

test("Lotus' API reference shows the same bitfield {5} in both its forms", () => {
  // filecoin-project/lotus, the StateMinerRecoveries example response: "sAI=" (RLE+ bytes in base64) in the 2020
  // API reference, [5, 1] (run lengths) in documentation/en/api-v1-unstable-methods.md since (commit 0023be28004d…).
  assert.equal(Buffer.from(encodeRlePlusSet([5])).toString("base64"), "sAI=");
  assert.deepEqual(decodeRlePlusSet(Buffer.from("sAI=", "base64")), [5]);
  assert.deepEqual(runsFromRanges(rangesFromSet([5])), [5, 1]);
});

test("small sets, derived bit by bit from the format", () => {
  // {} → no bytes. {0}: 00 | 1 | "1" → bits 0,0,1,1 → 0x0c. {5}: 00 | 0 | "01"+0101 | "1" → 0xb0 0x02.
  assert.equal(hex(encodeRlePlusSet([])), "");
  assert.equal(hex(encodeRlePlusSet([0])), "0c");
  assert.equal(hex(encodeRlePlusSet([5])), "b002");
  assert.deepEqual(decodeRlePlusSet(new Uint8Array(0)), []);
  assert.deepEqual(decodeRlePlusSet(Buffer.from("0c", "hex")), [0]);
  assert.deepEqual(decodeRlePlusSet(Buffer.from("b002", "hex")), [5]);
});

test("long runs use the varint form and round-trip (a full 2349-sector partition, sparse sets)", () => {
  const partition = Array.from({ length: 2349 }, (_, i) => i);
  const bytes = encodeRlePlusSet(partition);
  // 00 | 1 | 00 | varint(2349) = ad 12: 5 bits then 16 bits → 3 bytes.
  assert.equal(bytes.length, 3);
  assert.deepEqual(decodeRlePlus(bytes), [{ start: 0, count: 2349 }]);
  for (const set of [[1], [15, 16], [0, 1_000_000], [3, 4, 5, 200, 201, 70_000], [2 ** 40]]) {
    assert.deepEqual(decodeRlePlusSet(encodeRlePlusSet(set)), set, JSON.stringify(set));
  }
});

test("Lotus' JSON form is the run lengths starting with zeros (Lotus API docs show {5} as [5, 1])", () => {
  assert.deepEqual(runsFromRanges(rangesFromSet([5])), [5, 1]);
  assert.deepEqual(runsFromRanges(rangesFromSet([0, 1, 2])), [0, 3]);
  assert.deepEqual(runsFromRanges(rangesFromSet([])), []);
  assert.deepEqual(runsFromRanges(rangesFromSet([1, 3, 4])), [1, 1, 1, 2]);
  assert.deepEqual(rangesFromRuns([5, 1]), [{ start: 5, count: 1 }]);
  assert.deepEqual(encodeRlePlus(rangesFromRuns([0, 3])), encodeRlePlusSet([0, 1, 2]));
  assert.throws(() => rangesFromRuns([5, 0]), /run 1: expected a length ≥ 1/);
});

test("malformed RLE+ is refused", () => {
  assert.throws(() => decodeRlePlus(Uint8Array.from([0x01])), /version 1, expected 0/);
  // {0} with the run of 1 written as "01"+0001 (not minimal): bits 0,0,1,0,1,1,0,0,0 → 0x34 0x00.
  assert.throws(() => decodeRlePlus(Uint8Array.from([0x34, 0x00])), /not minimal/);
  // A run of 3 written as a varint: 00 | 1 | 00 | 03 → bits 0,0,1,0,0 then 1,1,0,0,0,0,0,0.
  assert.throws(() => decodeRlePlus(Uint8Array.from([0x64, 0x00])), /not minimal: run of 3 in the varint form/);
  // A short-form run of length 0: 00 | 1 | "1" | "01"+0000 | "1" → bits 0,0,1,1,0,1,0,0,0,0,1 → 0x2c 0x04.
  assert.throws(() => decodeRlePlus(Uint8Array.from([0x2c, 0x04])), /run of length 0/);
  // Set bits after the end marker (a varint run of 0).
  assert.throws(() => decodeRlePlus(Uint8Array.from([0x0c, 0x00, 0x80])), RlePlusError);
  assert.throws(() => decodeRlePlusSet(encodeRlePlusSet([0, 5_000_000]), 1), /2 bits set, more than the 1 allowed/);
});
