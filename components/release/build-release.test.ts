import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { scratchDir } from "../../test/support/scratch-dir.js";
import {
  agentReleaseSources,
  bareImports,
  buildRelease,
  compiledSources,
  isCurrentBuildOutput,
  moduleClosure,
} from "./build-release.js";

const dir = scratchDir("sealfarm-build-release-");

function sourcesIn(name: string, proofs = "binary v1") {
  const src = join(dir, name);
  mkdirSync(join(src, "agent"), { recursive: true });
  writeFileSync(join(src, "agent", "main.ts"), "console.log(1);\n");
  writeFileSync(join(src, "proofs"), proofs);
  chmodSync(join(src, "proofs"), 0o755);
  return [
    { from: join(src, "agent", "main.ts"), path: "agent/main.ts" },
    { from: join(src, "proofs"), path: "bin/sealfarm-proofs" },
  ];
}

test("the archive holds the files and a manifest whose sha256 is the release hash", () => {
  const built = buildRelease(sourcesIn("a"), join(dir, "out"));
  const x = join(dir, "x");
  mkdirSync(x);
  const tar = spawnSync("tar", ["-xzf", built.archivePath, "-C", x], { encoding: "utf8" });
  assert.equal(tar.status, 0, tar.stderr);
  const manifest = readFileSync(join(x, "MANIFEST"), "utf8");
  const sha = (b: string | Buffer) => spawnSync("sha256sum", { input: b, encoding: "utf8" }).stdout.split(" ")[0];
  assert.equal(sha(manifest), built.hash);
  assert.equal(readFileSync(join(x, "bin", "sealfarm-proofs"), "utf8"), "binary v1");
  assert.equal(statSync(join(x, "bin", "sealfarm-proofs")).mode & 0o777, 0o755);
  assert.equal(sha(readFileSync(built.archivePath)), built.archiveSha256);
  const listing = spawnSync("tar", ["-tvzf", built.archivePath], { encoding: "utf8" }).stdout.split("\n");
  for (const dir of listing.filter((l) => l.startsWith("d"))) assert.match(dir, /^drwxr-xr-x 0\/0 /, dir);
});

test("same content, same hash and the archive is reused; a changed binary is a new release", () => {
  const one = buildRelease(sourcesIn("b"), join(dir, "out2"));
  const two = buildRelease(sourcesIn("c"), join(dir, "out2"));
  assert.equal(one.hash, two.hash);
  assert.equal(one.archivePath, two.archivePath);
  const three = buildRelease(sourcesIn("d", "binary v2"), join(dir, "out2"));
  assert.notEqual(three.hash, one.hash);
});

test("a missing proofs binary or compiled agent is reported with the command that builds it", () => {
  const repo = join(dir, "repo");
  mkdirSync(join(repo, "agent"), { recursive: true });
  assert.throws(
    () => agentReleaseSources(repo),
    /native\/target\/release\/sealfarm-proofs not found: run `npm run build:native`/,
  );
  mkdirSync(join(repo, "native", "target", "release"), { recursive: true });
  writeFileSync(join(repo, "native", "target", "release", "sealfarm-proofs"), "binary");
  assert.throws(() => agentReleaseSources(repo), /\.build\/agent\/cli\/main\.js not found: run `npm run build`/);
});

test("a compiled file ships only while its source is compiled: a deleted or dropped source's output is stale", () => {
  const sources = new Set(["agent/cli/main.ts", "components/core/plan/plan-host.ts"]);
  const schemas = new Set(["farm.schema.json"]);
  const current = (p: string) => isCurrentBuildOutput(p, sources, schemas);
  assert.ok(current("agent/cli/main.js"));
  assert.ok(current("agent/cli/main.js.map"));
  assert.ok(current("components/core/plan/plan-host.js"));
  assert.ok(current("schemas/farm.schema.validate.cjs"));
  assert.ok(current("schemas/farm.schema.json"), "tsc copies a schema that a module imports");
  assert.ok(!current("agent/cli/deleted-command.js"), "a source deleted since the last build");
  assert.ok(!current("agent/cli/deleted-command.js.map"));
  assert.ok(!current("components/tools/systemctl.js"), "a source no longer in tsconfig.build.json's include");
  assert.ok(!current("schemas/old.schema.validate.cjs"), "a schema deleted since");
  assert.ok(!current("schemas/old.schema.json"));
  assert.ok(!current("tsconfig.build.tsbuildinfo"));
  assert.ok(!current("agent/cli/main.d.ts"));
});

test("a release built from a .build/ that holds stale outputs leaves them out", () => {
  const repo = join(dir, "stale");
  const put = (path: string, text = "") => {
    mkdirSync(join(repo, path, ".."), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  put("tsconfig.build.json", '{ "compilerOptions": { "outDir": ".build" }, "include": ["agent/**/*.ts"] }');
  put("agent/cli/main.ts", "export {};\n");
  put(".build/agent/cli/main.js", "export {};\n");
  put(".build/agent/cli/removed.js", "export {};\n");
  put(".build/components/tools/systemctl.js", "export {};\n");
  put("schemas/farm.schema.json", "{}");
  put(".build/schemas/farm.schema.validate.cjs", "");
  put(".build/schemas/farm.schema.json", "{}");
  put(".build/schemas/old.schema.validate.cjs", "");
  put(".build/schemas/old.schema.json", "{}");
  put("bin/sealfarm.js", "");
  put("native/target/release/sealfarm-proofs", "binary");
  put("package.json", "{}");
  put("package-lock.json", '{ "packages": {} }');
  const paths = agentReleaseSources(repo).map((s) => s.path);
  assert.deepEqual(paths.filter((p) => p.startsWith(".build/")).sort(), [
    ".build/agent/cli/main.js",
    ".build/schemas/farm.schema.json",
    ".build/schemas/farm.schema.validate.cjs",
  ]);
});

test("moduleClosure follows dependencies the way node resolves them, nested copies first", () => {
  const lock = {
    "node_modules/a": { dependencies: { b: "^1", c: "^1" }, optionalDependencies: { "other-os": "1" } },
    "node_modules/a/node_modules/b": { dependencies: { d: "^1" } },
    "node_modules/b": { dependencies: { unused: "^1" } },
    "node_modules/c": {},
    "node_modules/d": {},
    "node_modules/other-os": {},
    "node_modules/@s/e": { dependencies: { c: "^1" } },
  };
  const notInstalled = new Set(["node_modules/other-os"]);
  assert.deepEqual(
    moduleClosure(lock, ["a", "@s/e"], (d) => !notInstalled.has(d)),
    ["node_modules/@s/e", "node_modules/a", "node_modules/a/node_modules/b", "node_modules/c", "node_modules/d"],
  );
  assert.throws(
    () => moduleClosure({ "node_modules/x": { dependencies: { y: "1" } } }, ["x"]),
    /y \(needed by node_modules\/x\) is not installed/,
  );
});

test("bareImports finds the packages a source imports, not node built-ins or relative paths", () => {
  const src = [
    'import { register } from "tsx/esm/api";',
    'import type { Kysely } from "kysely";',
    'import Ajv from "ajv/dist/2020.js";',
    'import { readFileSync } from "node:fs";',
    'import { x } from "./local.js";',
    'const pg = await import("pg");',
    'import "@scope/pkg/sub";',
    'const ucs2length = require("ajv/dist/runtime/ucs2length").default;',
    'const local = require("./local.cjs");',
    'require("smol-toml");',
  ].join("\n");
  assert.deepEqual(bareImports(src), ["@scope/pkg", "ajv", "kysely", "pg", "smol-toml", "tsx"]);
});

test("the build compiles the agent and the core, no tests, no provisioner, no developer tools", () => {
  const sources = compiledSources(join(import.meta.dirname, "..", ".."));
  assert.ok(sources.includes("agent/cli/main.ts"));
  assert.ok(sources.includes("components/core/config/load-farm.ts"));
  assert.deepEqual(
    sources.filter((p) => !/^(agent|components\/core)\//.test(p) || /\.(test|bench)\.ts$/.test(p)),
    [],
  );
});

test("this checkout's release is the compiled agent, no TypeScript, and runs with node alone", () => {
  const repoRoot = join(import.meta.dirname, "..", "..");
  const sources = agentReleaseSources(repoRoot);
  const paths = sources.map((s) => s.path);
  assert.ok(paths.includes(".build/agent/cli/main.js"));
  assert.ok(paths.includes(".build/agent/cli/main.js.map"), "source maps travel with the code");
  assert.ok(paths.includes(".build/schemas/machine-class.schema.validate.cjs"));
  assert.deepEqual(
    paths.filter((p) => p.startsWith(".build/") && !/^\.build\/(agent|components\/core|schemas)\//.test(p)),
    [],
    "only the agent, the core and the schema validators are compiled into a release (no provisioner, no tools)",
  );
  assert.deepEqual(
    paths.filter(
      (p) =>
        (p.endsWith(".ts") && !p.startsWith("node_modules/")) ||
        p.startsWith("node_modules/tsx/") ||
        p.startsWith("node_modules/typescript/"),
    ),
    [],
  );
  const built = buildRelease(sources, join(dir, "out-real"));
  const x = join(dir, "real");
  mkdirSync(x);
  const tar = spawnSync("tar", ["-xzf", built.archivePath, "-C", x], { encoding: "utf8" });
  assert.equal(tar.status, 0, tar.stderr);
  // As the unit's ExecStart runs it: bin/sealfarm (no extension), from another directory.
  const version = spawnSync(process.execPath, [join(x, "bin", "sealfarm"), "--version"], {
    cwd: tmpdir(),
    encoding: "utf8",
  });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^sealfarm \d+\.\d+\.\d+/);
  const planned = spawnSync(
    process.execPath,
    [
      join(x, "bin", "sealfarm"),
      "plan",
      "--class",
      join(repoRoot, "stacks", "classes", "dev.yaml"),
      "--sector-size",
      "2KiB",
    ],
    { cwd: tmpdir(), encoding: "utf8" },
  );
  assert.equal(planned.status, 0, planned.stderr);
  assert.match(planned.stdout, /# threads: 1 \(bottleneck: cores\)/);
});
