import assert from "node:assert/strict";
import { test } from "node:test";
import { JsonDepthScanner, withinJsonDepth } from "./json-depth.js";

test("depth counts objects and arrays, not brackets inside strings", () => {
  assert.equal(withinJsonDepth('{"a":[1,{"b":[]}]}', 4), true);
  assert.equal(withinJsonDepth('{"a":[1,{"b":[]}]}', 3), false);
  assert.equal(withinJsonDepth('["[[[[[[", "\\"[[[[", "\\\\"]', 1), true);
  assert.equal(withinJsonDepth('["\\\\", [[]]]', 2), false);
});

test("the scan stops at the first byte one level too deep, across chunks", () => {
  const s = new JsonDepthScanner(3);
  assert.equal(s.feed(Buffer.from('{"x":"[[[[\\')), true);
  assert.equal(s.feed(Buffer.from('"[[["')), true, "still inside the string after an escaped quote");
  assert.equal(s.feed(Buffer.from(",[[")), true);
  assert.equal(s.feed(Buffer.from("[")), false);
  assert.equal(s.exceeded, true);
  assert.equal(s.feed(Buffer.from("]")), false, "stays exceeded");
});

test("an 800 KB nested body is refused without JSON.parse", () => {
  const body = `{"jsonrpc":${"[".repeat(400_000)}${"]".repeat(400_000)}}`;
  assert.equal(withinJsonDepth(body), false);
});
