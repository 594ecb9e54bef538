import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { scratchDir } from "../../test/support/scratch-dir.js";
import { findPackageRoot, packageRoot } from "./package-root.js";

const dir = scratchDir("sealfarm-package-root-");

test("the nearest package.json up from sources and from the compiled tree is the same root", () => {
  writeFileSync(join(dir, "package.json"), "{}");
  mkdirSync(join(dir, "agent", "cli"), { recursive: true });
  mkdirSync(join(dir, ".build", "agent", "cli"), { recursive: true });
  assert.equal(findPackageRoot(join(dir, "agent", "cli")), dir);
  assert.equal(findPackageRoot(join(dir, ".build", "agent", "cli")), dir);
});

test("no package.json anywhere above is an error naming the start", () => {
  assert.throws(() => findPackageRoot("/proc/self"), /no package\.json in \/proc\/self or any directory above it/);
});

test("sealfarm's own root is the one whose package.json names sealfarm", () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { name: string };
  assert.equal(pkg.name, "sealfarm");
});
