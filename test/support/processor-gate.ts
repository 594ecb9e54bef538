// Holds the sealing pipeline where a test needs it. A ProcessorGate puts gate-processor.mjs between the worker
// and the real sealfarm-proofs (pass `gate.env` to the worker: SEALFARM_PROOFS_BIN points at a launcher), so
// every stage runs for real, but a stage the test armed with `hold(stage)` blocks its next task until
// `release(stage)`. While it is held, the worker's record stays in the state that runs that stage, which a test
// can then read, kill or change deterministically, whatever the machine's load.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultProofsBin } from "../../agent/worker/default-bin.js";
import { shellQuote as q } from "../../components/core/shell/shell-quote.js";
import { waitFor } from "./wait.js";

const script = fileURLToPath(new URL("./gate-processor.mjs", import.meta.url));

export class ProcessorGate {
  /** The launcher to use as the proofs binary (SEALFARM_PROOFS_BIN, or a `[[processors.<stage>]]` bin). */
  readonly bin: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.bin = join(dir, "sealfarm-proofs-gated");
    writeFileSync(
      this.bin,
      `#!/bin/sh\nGATE_DIR=${q(dir)} GATE_REAL_BIN=${q(defaultProofsBin())} exec ${q(process.execPath)} ${q(script)} "$@"\n`,
    );
    chmodSync(this.bin, 0o755);
  }

  /** Environment for a worker (or `sealfarm dev`) whose processors go through the gate. */
  get env(): Record<string, string> {
    return { SEALFARM_PROOFS_BIN: this.bin };
  }

  private file(stage: string, suffix: string): string {
    return join(this.dir, `${stage}.${suffix}`);
  }

  /** Arms a hold: the next task of `stage` (from any child, this run or a later one) waits for `release`. */
  hold(stage: string): void {
    for (const s of ["claimed", "held", "release"]) rmSync(this.file(stage, s), { force: true });
    writeFileSync(this.file(stage, "hold"), "");
  }

  /** Waits until a task of `stage` is held (it stays held until `release`); returns the task. */
  async held(stage: string, timeoutMs = 180_000): Promise<unknown> {
    const line = await waitFor(
      `a ${stage} task held at the gate`,
      () => (existsSync(this.file(stage, "held")) ? readFileSync(this.file(stage, "held"), "utf8") : undefined),
      timeoutMs,
    );
    return (JSON.parse(line) as { task: unknown }).task;
  }

  /** Lets the held task (or, if none was held yet, the armed one when it comes) go on to the real processor. */
  release(stage: string): void {
    writeFileSync(this.file(stage, "release"), "");
  }
}
