import assert from "node:assert/strict";
import { test } from "node:test";
import { weightedPick } from "./persist-stores.js";

test("weighted pick splits [0, 1) by weight", () => {
  const stores = [
    { name: "a", weight: 1 },
    { name: "b", weight: 3 },
  ];
  assert.equal(weightedPick(stores, 0)?.name, "a");
  assert.equal(weightedPick(stores, 0.24)?.name, "a");
  assert.equal(weightedPick(stores, 0.25)?.name, "b");
  assert.equal(weightedPick(stores, 0.999)?.name, "b");
  assert.equal(weightedPick([], 0.5), undefined);
  // Over many draws the shares follow the weights.
  let b = 0;
  for (let i = 0; i < 4000; i++) if (weightedPick(stores, i / 4000)?.name === "b") b++;
  assert.equal(b, 3000);
});
