import assert from "node:assert/strict";
import { test } from "node:test";
import { median, renderStartupRows, startupRows } from "./startup-stats.js";

test("median of odd and even sample counts, unsorted input", () => {
  assert.equal(median([30, 10, 20]), 20);
  assert.equal(median([40, 10, 30, 20]), 25);
  assert.throws(() => median([]), /at least one sample/);
});

test("each row is a ratio of medians to the baseline's median", () => {
  const rows = startupRows(
    "node -e 0",
    new Map([
      ["node -e 0", [40, 60, 50]],
      ["sealfarm --version", [100, 90, 400]],
      ["sealfarm plan", [200, 160, 170]],
    ]),
  );
  assert.deepEqual(
    rows.map((r) => [r.label, r.medianMs, r.ratio]),
    [
      ["node -e 0", 50, 1],
      ["sealfarm --version", 100, 2],
      ["sealfarm plan", 170, 3.4],
    ],
  );
  const text = renderStartupRows(rows, 3);
  assert.match(text, /sealfarm --version\s+100 ms\s+2\.00×\s+ok \(goal ≤ 3×\)/);
  assert.match(text, /sealfarm plan\s+170 ms\s+3\.40×\s+over the goal/);
  assert.throws(() => startupRows("missing", new Map()), /no samples for the baseline "missing"/);
});
