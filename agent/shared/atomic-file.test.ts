import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { scratchDir } from "../../test/support/scratch-dir.js";
import { readFileIfExists, writeFileAtomic } from "./atomic-file.js";

const dir = scratchDir("sealfarm-atomic-");

describe("atomic file", () => {
  it("replaces the whole content and leaves no temp file", () => {
    const p = join(dir, "state.json");
    assert.equal(readFileIfExists(p), undefined);
    writeFileAtomic(p, "one");
    writeFileAtomic(p, "two two");
    assert.equal(readFileSync(p, "utf8"), "two two");
    assert.deepEqual(readdirSync(dir), ["state.json"]);
  });

  it("never shows a torn file to a reader when the writer is SIGKILLed mid-loop", async () => {
    const module = fileURLToPath(new URL("./atomic-file.ts", import.meta.url));
    // A writer that rewrites a large JSON document as fast as it can; we kill it at an arbitrary instant.
    const script = (p: string) => `import { writeFileAtomic } from ${JSON.stringify(module)};
      const big = "x".repeat(200000);
      for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(p)}, JSON.stringify({ i, big }));`;
    for (let round = 0; round < 3; round++) {
      // A fresh file per round, so "the file exists" means this round's writer is inside its loop.
      const p = join(dir, `torn-${round}.json`);
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(p)], {
        stdio: "ignore",
      });
      // Wait until the writer has really started writing (tsx start-up is slow on a loaded machine), then kill it
      // at an arbitrary instant inside its write loop.
      const started = Date.now();
      while (readFileIfExists(p) === undefined && Date.now() - started < 60_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 50 + round * 37));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const doc = JSON.parse(readFileSync(p, "utf8")) as { i: number; big: string };
      assert.equal(doc.big.length, 200000);
    }
  });
});
