// `npm test`: lint, type-check, the native crate's tests, then node's test runner over the test files listed in
// test/suites/*.list (node 20 expands no globs, and a run over zero files passes silently, so every file is named
// and a missing one is an error). Node's summary is the last thing printed.
//
//   SUITES=manager,native npm test     only those lists (lint/typecheck/cargo still run unless SKIP names them)
//   SKIP=lint,typecheck,cargo npm test skip steps while iterating; CI never sets it
//   a list starting with "# opt-in" runs only when SUITES names it (npm run test:e2e names provisioner-e2e)
//   SEALFARM_TEST_TAP=FILE             also write the runner's TAP report to FILE (test/soak.mjs reads it)
//
// The build step (`npm run build`, incremental) always runs before the tests unless SKIP names it: tests that start
// `bin/sealfarm.js` run the compiled code in .build/, so it must be the code under test.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const skip = new Set((process.env.SKIP ?? "").split(",").filter(Boolean));
const only = new Set((process.env.SUITES ?? "").split(",").filter(Boolean));
const failures = [];

function step(name, cmd, args, opts = {}) {
  if (skip.has(name)) {
    console.log(`\n== ${name}: skipped (SKIP)`);
    return;
  }
  console.log(`\n== ${name}: ${cmd} ${args.join(" ")}`);
  const res = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (res.error) {
    console.error(`${name}: could not run ${cmd}: ${res.error.message}`);
    failures.push(name);
  } else if (res.status !== 0) {
    failures.push(name);
  }
}

/** Every `*.test.ts` / `*.test.mjs` below `roots`, relative to the checkout, `/`-separated. */
function testFilesUnder(roots) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (/\.test\.(ts|mjs)$/.test(e.name)) out.push(child);
    }
  };
  for (const r of roots) if (existsSync(join(root, r))) walk(r);
  return out.sort();
}

function listedTestFiles() {
  const dir = join(root, "test", "suites");
  const files = [];
  const problems = [];
  // Every list is read, run or not: a test file no list names would never run.
  const listed = new Set();
  for (const list of readdirSync(dir)
    .filter((f) => f.endsWith(".list"))
    .sort()) {
    const suite = list.slice(0, -".list".length);
    const text = readFileSync(join(dir, list), "utf8");
    const lines = text
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean);
    for (const line of lines) listed.add(line);
    if (only.size > 0 && !only.has(suite)) continue;
    // A list whose first line is "# opt-in" runs only when SUITES names it (the Pulumi e2e: `npm run test:e2e`).
    if (only.size === 0 && text.startsWith("# opt-in")) continue;
    if (lines.length === 0) problems.push(`test/suites/${list}: lists no test file`);
    for (const line of lines) {
      if (!existsSync(join(root, line))) problems.push(`test/suites/${list}: ${line} does not exist`);
      else files.push(line);
    }
  }
  if (only.size === 0)
    for (const file of testFilesUnder(["agent", "components", "test"]))
      if (!listed.has(file)) problems.push(`${file} is in no test/suites/*.list, so it never runs: add it to one`);
  for (const unknown of only) {
    if (!existsSync(join(dir, `${unknown}.list`)))
      problems.push(`SUITES names "${unknown}", but test/suites/${unknown}.list does not exist`);
  }
  return { files: [...new Set(files)], problems };
}

const bin = (name) => relative(root, join(root, "node_modules", ".bin", name));
step("lint", bin("biome"), ["check", "."]);
step("typecheck", bin("tsc"), ["--noEmit", "-p", "."]);
step("build", "npm", ["run", "--silent", "build"]);
step("cargo", "cargo", ["test", "--release", "--offline", "--manifest-path", "native/Cargo.toml"]);

const { files, problems } = listedTestFiles();
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  failures.push("test lists");
}
if (files.length === 0) {
  console.error("no test files to run");
  failures.push("node tests");
} else {
  step("node tests", process.execPath, [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=1",
    "--test-reporter=spec",
    ...(process.env.SEALFARM_TEST_TAP
      ? [
          "--test-reporter-destination=stdout",
          "--test-reporter=tap",
          `--test-reporter-destination=${process.env.SEALFARM_TEST_TAP}`,
        ]
      : []),
    ...files,
  ]);
}
if (failures.length > 0) {
  console.error(`\nnpm test failed: ${failures.join(", ")}`);
  process.exit(1);
}
