import assert from "node:assert/strict";
import { test } from "node:test";
import { bytes32Problem, fromBase64, fromBytes32, toBase64, toBytes32 } from "./bytes.js";

test("[32]byte travels as 32 numbers", () => {
  const b = Buffer.alloc(32, 7);
  b[0] = 232;
  const arr = toBytes32(b);
  assert.equal(arr.length, 32);
  assert.equal(arr[0], 232);
  assert.deepEqual(fromBytes32(arr), b);
  assert.throws(() => toBytes32(Buffer.alloc(31)), /expected 32 bytes, got 31/);
});

test("bytes32Problem says why a value is not a [32]byte", () => {
  assert.equal(bytes32Problem(new Array(32).fill(0)), null);
  assert.match(bytes32Problem("abc") ?? "", /got a string/);
  assert.match(bytes32Problem([1, 2]) ?? "", /got 2 elements/);
  const bad = new Array(32).fill(0);
  bad[5] = 256;
  assert.match(bytes32Problem(bad) ?? "", /element 5 is 256/);
});

test("[]byte travels as strict padded base64", () => {
  assert.equal(toBase64(Buffer.from("hello")), "aGVsbG8=");
  assert.deepEqual(fromBase64("aGVsbG8="), Buffer.from("hello"));
  assert.equal(fromBase64("aGVsbG8"), null);
  assert.equal(fromBase64("not base64!"), null);
  assert.deepEqual(fromBase64(""), Buffer.alloc(0));
});
