// A test-only wrapper around the real sealfarm-proofs (run with node, via the sh launcher processor-gate.ts
// writes): `… processor <stage>` forwards damocles' line protocol both ways to `$GATE_REAL_BIN processor <stage>`,
// except that a task of a stage the test armed (the file `$GATE_DIR/<stage>.hold`) is held before the real
// processor sees it, until the test writes `$GATE_DIR/<stage>.release`. A hold is taken by exactly one task (the
// file is renamed away atomically), so a restarted child or a later sector passes unheld unless armed again.
// While a task is held, `$GATE_DIR/<stage>.held` holds its request line: a state that stays until the test acts.
// Anything but `processor <stage>` (verify-seal, run, commp …) is passed straight to the real binary.
import { spawn } from "node:child_process";
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const realBin = process.env.GATE_REAL_BIN;
const dir = process.env.GATE_DIR;
if (!realBin || !dir) {
  process.stderr.write("gate-processor: GATE_REAL_BIN and GATE_DIR must be set\n");
  process.exit(2);
}
const args = process.argv.slice(2);

if (args[0] !== "processor" || args[1] === undefined) {
  const child = spawn(realBin, args, { stdio: "inherit" });
  for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
} else {
  const stage = args[1];
  const file = (suffix) => join(dir, `${stage}.${suffix}`);
  const child = spawn(realBin, args, { stdio: ["pipe", "pipe", "inherit"] });
  child.stdout.pipe(process.stdout);
  for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  // A broken pipe to the worker (it was killed) ends us the same way as a closed stdin.
  process.stdout.on("error", () => child.kill("SIGTERM"));

  /** True when this task takes the armed hold (only one task can: rename is atomic). */
  const claim = () => {
    try {
      renameSync(file("hold"), file("claimed"));
      return true;
    } catch {
      return false;
    }
  };
  const released = () =>
    new Promise((resolve) => {
      const check = () => (existsSync(file("release")) ? resolve() : setTimeout(check, 10));
      check();
    });

  const lines = createInterface({ input: process.stdin });
  lines.on("line", async (line) => {
    if (line.trim() !== "" && claim()) {
      writeFileSync(file("held.tmp"), line);
      renameSync(file("held.tmp"), file("held"));
      await released();
    }
    if (child.stdin.writable) child.stdin.write(`${line}\n`);
  });
  // The worker went away (stop, SIGKILL): close the real processor's stdin, so it exits and so do we.
  lines.on("close", () => child.stdin.end());
}
