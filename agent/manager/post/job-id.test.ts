import assert from "node:assert/strict";
import { test } from "node:test";
import { base58, wdpostJobId } from "./job-id.js";

test("base58 uses the Bitcoin alphabet and keeps leading zero bytes as '1'", () => {
  assert.equal(base58(Buffer.from("hello world")), "StV1DL6CwTryKyV");
  assert.equal(base58(Buffer.from([0, 0, 1])), "112");
  assert.equal(base58(Buffer.from([])), "");
});

test("job ids are content hashes: same input, same id", () => {
  const a = wdpostJobId('{"MinerId":1000}');
  assert.equal(a, wdpostJobId('{"MinerId":1000}'));
  assert.notEqual(a, wdpostJobId('{"MinerId":1001}'));
  assert.match(a, /^[1-9A-HJ-NP-Za-km-z]{8,12}$/);
});
