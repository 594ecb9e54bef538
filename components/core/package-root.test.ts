import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { findPackageRoot, packageRoot } from "./package-root.js";

const dir = mkdtempSync(join(tmpdir(), "sealfarm-package-root-"));
after(() => rmSync(dir, { recursive: true, force: true }));

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
