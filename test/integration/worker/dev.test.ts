// `sealfarm dev` as a user runs it: one command seals N sectors with the real binary and a WindowPoSt verifies;
// Ctrl-C stops it cleanly and a second run continues from the same directory.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { DevSummary } from "../../../agent/dev/dev-view.js";
import { ProcessorGate } from "../../support/processor-gate.js";
import { scratchDir } from "../../support/scratch-dir.js";
import { requireStages, sealfarmBin } from "./harness.js";

await requireStages(["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2", "window_post"]);
const dir = scratchDir("sealfarm-dev-");

// Every processor goes through a test gate, so the first run can be interrupted while a C2 is held: the run is
// certainly unfinished then, however fast or slow this machine is.
const gate = new ProcessorGate(join(dir, "gate"));

function dev(
  args: string[],
  interruptWhen?: Promise<unknown>,
  afterInterrupt?: () => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [sealfarmBin, "dev", "--dir", join(dir, "farm"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...gate.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    interruptWhen?.then(
      () => {
        child.kill("SIGINT");
        afterInterrupt?.();
      },
      () => {}, // never held: the run ended on its own, and the test's assertions say how
    );
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("sealfarm dev", () => {
  it("stops cleanly on Ctrl-C, and a second run continues to N Active sectors and a verified WindowPoSt", async () => {
    // Ctrl-C while the first sector's C2 is held: some sectors are under way, none is finished. The held C2 is
    // released once the signal is sent (a stop lets a running processor call finish first).
    gate.hold("c2");
    const first = await dev(["--sectors", "3", "--threads", "2", "--json"], gate.held("c2"), () => gate.release("c2"));
    assert.equal(first.code, 130, first.stderr);
    const partial = JSON.parse(first.stdout.trim()) as DevSummary;
    assert.equal(partial.ok, false);
    assert.match(partial.problem ?? "", /interrupted/);

    const second = await dev(["--sectors", "3", "--threads", "2", "--json"]);
    assert.equal(second.code, 0, second.stderr);
    const s = JSON.parse(second.stdout.trim()) as DevSummary;
    assert.equal(s.ok, true);
    assert.equal(s.sectorsActive, 3);
    assert.equal(s.sectorsAborted, 0);
    assert.equal(s.dealsSealed, 1, "the imported deal is sealed in one sector");
    assert.ok(s.windowPostsVerified >= 1);
    // Together the two runs sealed exactly 3 sectors: the second did not start over.
    const third = await dev(["--sectors", "3", "--threads", "2"]);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /sectors Active\s+3\/3/);
    assert.match(third.stdout, /ok: every sector is Active and a WindowPoSt verified/);
    assert.match(third.stdout, /stage\s+tasks\s+mean\s+total/);
    assert.match(
      third.stdout.trim().split("\n").at(-1) ?? "",
      / dev --keep: the manager and worker keep running until Ctrl-C\.$/,
      "every run ends mentioning --keep",
    );
  });

  it("--snapup seals CC sectors, upgrades one with the deal, and proves the upgrade in WindowPoSt", async () => {
    const r = await dev(["--sectors", "2", "--threads", "1", "--snapup", "--fresh", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout.trim()) as DevSummary;
    assert.equal(s.ok, true);
    assert.equal(s.sectorsActive, 2);
    assert.equal(s.snapup?.upgraded, 1, "the one deal went into one CC sector");
    assert.ok((s.snapup?.upgradedPostsVerified ?? 0) >= 1);
    assert.ok((s.stages.snap_encode?.count ?? 0) >= 1 && (s.stages.snap_prove?.count ?? 0) >= 1);
  });

  it("rejects bad options with a usage error", async () => {
    const r = await dev(["--sector-size", "4KiB"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--sector-size: expected a sector size, one of "2KiB", "8MiB", "512MiB", "32GiB", "64GiB", got "4KiB"/,
    );
  });
});
