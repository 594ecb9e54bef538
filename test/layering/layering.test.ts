// The tree keeps the layering (layer-rules.ts; the README's Architecture section): an import that breaks an
// allowed direction, or a cycle among production files, fails here with the file and the import named.
import assert from "node:assert/strict";
import { it } from "node:test";
import { readImportGraph, repoRoot } from "./import-graph.js";
import { layeringProblems } from "./layer-rules.js";

it("every import under agent/, components/ and index.ts runs one of the allowed directions, with no cycle", () => {
  const graph = readImportGraph(repoRoot);
  assert.ok(graph.size > 100, `read only ${graph.size} files: the tree was not found from ${repoRoot}`);
  assert.deepEqual(layeringProblems(graph), []);
});
