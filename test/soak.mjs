// `npm run test:soak [-- --runs N] [--full]`: runs the test suite N times in a row (default 5) while a CPU
// burner keeps another core busy, then reports the failures per test and each run's wall time. A test that
// passes only when the machine is idle fails here. SUITES limits the lists, as for `npm test`; the static steps
// (lint, type-check, the native crate's tests) race nothing, so they are skipped unless `--full` is given.
// The burner is a child of this script, pinned with taskset to the last CPU when taskset exists, and is
// stopped however the soak ends: finished, failed, Ctrl-C or SIGTERM.
//
//   npm run test:soak                          5 runs of every list
//   SUITES=worker npm run test:soak -- --runs 3
//   npm run test:soak -- --burners 0           no burner (compare)
//
// Each run's output and TAP report are kept under .sealfarm/soak/<start time>/ with a summary.json.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseTap } from "./tap-results.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function usage(problem) {
  console.error(`test:soak: ${problem}\nusage: npm run test:soak -- [--runs N] [--burners N] [--full]`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { runs: 5, burners: 1, full: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--full") o.full = true;
    else if (a === "--runs" || a === "--burners") {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) usage(`${a}: expected a whole number, got ${v ?? "nothing"}`);
      o[a.slice(2)] = Number(v);
    } else usage(`unknown argument ${a}`);
  }
  if (o.runs < 1) usage("--runs: expected at least 1");
  return o;
}

/** Busy-loop children (one per core to keep busy), pinned to the last CPUs when taskset is there. */
function startBurners(n) {
  const cpus = availableParallelism();
  const taskset = spawnSync("taskset", ["--version"]).status === 0;
  const burners = [];
  for (let k = 0; k < n; k++) {
    const burn = [process.execPath, "-e", "for (;;) {}"];
    const cpu = cpus - 1 - (k % cpus);
    const child = taskset
      ? spawn("taskset", ["-c", String(cpu), ...burn], { stdio: "ignore" })
      : spawn(burn[0], burn.slice(1), { stdio: "ignore" });
    child.on("error", (e) => console.error(`test:soak: burner: ${e.message}`));
    burners.push(child);
  }
  const where = taskset
    ? `pinned to CPU ${[...burners.keys()].map((k) => cpus - 1 - (k % cpus)).join(",")}`
    : "unpinned";
  if (n > 0) console.log(`test:soak: ${n} CPU burner(s) running (${where}) on a ${cpus}-CPU machine`);
  return burners;
}

function stopAll(children) {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

/** Signals a run's whole process group (the runner, the test files and whatever they started). */
function signalRun(run, signal) {
  if (run?.pid === undefined || run.exitCode !== null || run.signalCode !== null) return;
  try {
    process.kill(-run.pid, signal);
  } catch {
    // already gone
  }
}

const fmt = (ms) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = join(root, ".sealfarm", "soak", new Date().toISOString().replace(/[:.]/g, "-"));
  mkdirSync(dir, { recursive: true });
  const runs = [];
  let current;
  let interrupted = false;
  const burners = startBurners(o.burners);
  const cleanup = () => {
    stopAll(burners);
    signalRun(current, "SIGKILL");
  };
  process.on("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      // The run is in its own process group (a terminal's Ctrl-C does not reach it): stop it, forcibly if it
      // has not ended within 5 s.
      interrupted = true;
      stopAll(burners);
      const run = current;
      signalRun(run, "SIGTERM");
      setTimeout(() => signalRun(run, "SIGKILL"), 5000).unref();
    });
  }

  try {
    for (let n = 1; n <= o.runs && !interrupted; n++) {
      const tap = join(dir, `run-${n}.tap`);
      const log = join(dir, `run-${n}.log`);
      const env = { ...process.env, SEALFARM_TEST_TAP: tap };
      if (!o.full) env.SKIP = [env.SKIP, "lint,typecheck,cargo"].filter(Boolean).join(",");
      console.log(`\ntest:soak: run ${n}/${o.runs} (output in ${relative(root, log)})`);
      const started = Date.now();
      // The run's output goes to its log as it comes (tail -f it to watch a long run).
      const out = createWriteStream(log);
      const code = await new Promise((resolve) => {
        current = spawn(process.execPath, [join(root, "test", "run.mjs")], { cwd: root, env, detached: true });
        current.stdout.pipe(out, { end: false });
        current.stderr.pipe(out, { end: false });
        current.on("error", (e) => {
          out.write(`could not run test/run.mjs: ${e.message}\n`);
          resolve(null);
        });
        current.on("close", (c) => resolve(c));
      });
      current = undefined;
      const ms = Date.now() - started;
      await new Promise((r) => out.end(r));
      let results = [];
      try {
        results = parseTap(readFileSync(tap, "utf8"), root);
      } catch {
        // no report: the runner did not get as far as the tests (see the log)
      }
      const failed = results.filter((r) => !r.ok);
      runs.push({ run: n, exitCode: code, wallMs: ms, tests: results.length, failed });
      console.log(
        `test:soak: run ${n}: exit ${code}, ${fmt(ms)}, ${results.length} tests, ${failed.length} failed` +
          (code !== 0 && failed.length === 0 ? ` (no test failed: see ${relative(root, log)})` : ""),
      );
      for (const f of failed) console.log(`  not ok: ${f.file ?? "?"}: ${f.name}: ${f.error ?? ""}`);
    }
  } finally {
    cleanup();
  }

  // Failures per test across runs.
  const perTest = new Map();
  for (const r of runs)
    for (const f of r.failed) {
      const key = `${f.file ?? "?"}: ${f.name}`;
      const e = perTest.get(key) ?? { runs: [], error: f.error };
      e.runs.push(r.run);
      perTest.set(key, e);
    }
  console.log(`\ntest:soak: ${runs.length} run(s)${interrupted ? " (interrupted)" : ""}, ${o.burners} burner(s)`);
  console.log("run  exit  wall      tests  failed");
  for (const r of runs)
    console.log(
      `${String(r.run).padEnd(4)} ${String(r.exitCode).padEnd(5)} ${fmt(r.wallMs).padEnd(9)} ${String(r.tests).padEnd(6)} ${r.failed.length}`,
    );
  if (perTest.size === 0) console.log("failures per test: none");
  else {
    console.log("failures per test:");
    for (const [key, e] of perTest)
      console.log(`  ${e.runs.length}/${runs.length} ${key} (runs ${e.runs.join(",")}): ${e.error ?? ""}`);
  }
  writeFileSync(
    join(dir, "summary.json"),
    `${JSON.stringify({ burners: o.burners, interrupted, runs, failuresPerTest: Object.fromEntries(perTest) }, null, 2)}\n`,
  );
  console.log(`summary: ${relative(root, join(dir, "summary.json"))}`);
  const ok = !interrupted && runs.every((r) => r.exitCode === 0);
  process.exitCode = interrupted ? 130 : ok ? 0 : 1;
}

await main();
