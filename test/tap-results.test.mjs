// parseTap against a report node's runner really wrote (one passing and one failing test in a suite, and a
// file that crashed after its test failed).
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTap } from "./tap-results.mjs";

const report = `TAP version 13
# Subtest: suite A
    # Subtest: passes
    ok 1 - passes
      ---
      duration_ms: 0.437033
      ...
    # Subtest: fails
    not ok 2 - fails
      ---
      duration_ms: 0.751522
      location: '/repo/a.test.mjs:3:53'
      failureType: 'testCodeFailure'
      error: '1 == 2'
      code: 'ERR_ASSERTION'
      ...
    # Subtest: multi-line
    not ok 4 - multi-line
      ---
      duration_ms: 1
      location: '/repo/a.test.mjs:9:1'
      failureType: 'testCodeFailure'
      error: |-
        the unseal store is finalized
        + actual - expected
      ...
    # Subtest: later
    ok 3 - later # SKIP not here
      ---
      duration_ms: 0.1
      ...
    1..4
not ok 1 - suite A
  ---
  duration_ms: 1.915209
  type: 'suite'
  location: '/repo/a.test.mjs:3:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  ...
# Subtest: /repo/b.test.mjs
not ok 2 - /repo/b.test.mjs
  ---
  duration_ms: 472.024999
  location: '/repo/b.test.mjs:1:1'
  failureType: 'testCodeFailure'
  error: 'test failed'
  ...
1..2
# tests 3
`;

test("one result per test, suites only when they failed by themselves, files relative to the root", () => {
  assert.deepEqual(parseTap(report, "/repo"), [
    { name: "suite A > passes", file: undefined, ok: true, error: undefined },
    { name: "suite A > fails", file: "a.test.mjs", ok: false, error: "1 == 2" },
    { name: "suite A > multi-line", file: "a.test.mjs", ok: false, error: "the unseal store is finalized" },
    { name: "/repo/b.test.mjs", file: "b.test.mjs", ok: false, error: "test failed" },
  ]);
});
