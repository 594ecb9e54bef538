// `sealfarm dev --keep` as a new user meets it: the farm stays up after the proofs verify, the commands it prints
// work as printed (each run as a child process from the same directory, finding the farm without flags), Ctrl-C
// stops it cleanly. Then the same directory refuses other options and `--fresh` starts over.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { DevSummary } from "../../../agent/dev/dev-view.js";
import { requireStages, sealfarmBin } from "./harness.js";

await requireStages(["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2", "window_post"]);
const cwd = mkdtempSync(join(tmpdir(), "sealfarm-dev-keep-"));
const home = join(cwd, "home");
mkdirSync(home);
after(() => rmSync(cwd, { recursive: true, force: true }));

// No farm configured anywhere else: HOME has no ~/.sealfarm/manager, no SEALFARM_* variables.
const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
for (const k of Object.keys(env)) if (k.startsWith("SEALFARM_") && k !== "SEALFARM_PROOFS_BIN") delete env[k];

function run(args: string[], dir = cwd) {
  return spawnSync(process.execPath, args, { cwd: dir, env, encoding: "utf8", timeout: 180_000 });
}

describe("sealfarm dev --keep", () => {
  it("keeps the farm up after the proofs verify; every printed command works from the same directory; Ctrl-C exits 0", async () => {
    const child = spawn(process.execPath, [sealfarmBin, "dev", "--keep", "--sectors", "2", "--threads", "2"], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const hangGuard = setTimeout(() => child.kill("SIGKILL"), 240_000);
    // The command list is printed once, in one write, after the summary: wait for its last line.
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("# the worker's metrics")) resolve();
      });
      void exited.then((code) =>
        reject(new Error(`dev exited ${code} before keeping the farm:\n${stdout}\n${stderr}`)),
      );
    });
    try {
      assert.match(stdout, /ok: every sector is Active and a WindowPoSt verified/);
      const block = stdout.slice(stdout.indexOf("The farm keeps running until Ctrl-C"));
      assert.match(block, /^The farm keeps running until Ctrl-C\. Try, from this directory, in another terminal:/);
      // "  <command>  # <what it shows>"
      const commands = block
        .split("\n")
        .filter((l) => l.startsWith("  "))
        .map((l) => {
          const [command, what] = l.split("  # ") as [string, string];
          return { command: command.trim(), what };
        });
      assert.equal(commands.length, 6, block);

      const byName = new Map<string, string>();
      for (const { command, what } of commands) {
        const words = command.split(/\s+/);
        if (words[0] === "curl") {
          const url = words.at(-1) as string;
          const res = await fetch(url);
          assert.equal(res.status, 200, url);
          byName.set(what, await res.text());
          continue;
        }
        assert.equal(words[0], "node", command);
        assert.equal(words[1], sealfarmBin, "the launcher the user ran");
        assert.ok(!command.includes("--url") && !command.includes("--home"), `no flags needed: ${command}`);
        const r = run(words.slice(1));
        assert.equal(r.status, 0, `${command}: ${r.stderr}`);
        byName.set(words.slice(2, 4).join(" "), r.stdout);
      }
      assert.match(byName.get("sectors list") ?? "", /s-t01000-1\s+Active/);
      assert.match(byName.get("sectors list") ?? "", /s-t01000-2\s+Active/);
      assert.match(byName.get("sectors show") ?? "", /state\s+Active/);
      assert.match(byName.get("sectors show") ?? "", /timeline:[\s\S]*Empty -> Allocated/);
      assert.match(byName.get("workers list") ?? "", /dev-worker\s+127\.0\.0\.1:\d+/);
      assert.match(byName.get("worker list") ?? "", /sealer[\s\S]*wdpost/);
      assert.match(byName.get("the manager's metrics") ?? "", /^sealfarm_manager_chain_height \d+$/m);
      assert.match(
        byName.get("the worker's metrics") ?? "",
        /sealfarm_worker_stage_duration_seconds_count\{[^}]*stage="pc1"/,
      );

      // A second dev on the same directory would be a second manager on the same database: refused.
      const second = run([sealfarmBin, "dev", "--sectors", "2", "--threads", "2"]);
      assert.equal(second.status, 1);
      assert.match(
        second.stderr,
        /a farm already runs in .*\.sealfarm\/dev \(pid \d+, manager http:\/\/127\.0\.0\.1:\d+\)/,
      );

      // From any other directory, with nothing configured, one line says how to point at a farm.
      const elsewhere = run([sealfarmBin, "sectors", "list"], home);
      assert.equal(elsewhere.status, 1);
      assert.match(elsewhere.stderr, /no manager to talk to: .* point at one with --url URL or --home DIR/);
    } finally {
      child.kill("SIGINT");
      const code = await exited;
      clearTimeout(hangGuard);
      assert.equal(code, 0, stderr);
    }
    assert.match(stderr, /sealfarm dev: stopping the farm/);
    assert.equal(
      existsSync(join(cwd, ".sealfarm", "dev", "running.json")),
      false,
      "the farm no longer advertises itself",
    );
    const gone = run([sealfarmBin, "sectors", "list"]);
    assert.equal(gone.status, 1, "nothing answers once stopped");
  });

  it("refuses other options in the same directory, saying what differs; --fresh starts over", () => {
    const other = run([sealfarmBin, "dev", "--sector-size", "8MiB", "--sectors", "2", "--threads", "2"]);
    assert.equal(other.status, 1);
    assert.match(other.stderr, /holds another farm:\n {2}sector size: 2KiB in this farm, 8MiB asked\n/);
    assert.match(other.stderr, /--fresh --sector-size 8MiB --sectors 2 --threads 2/);

    const fresh = run([sealfarmBin, "dev", "--fresh", "--sectors", "1", "--threads", "1", "--json"]);
    assert.equal(fresh.status, 0, fresh.stderr);
    const s = JSON.parse(fresh.stdout.trim()) as DevSummary;
    assert.equal(s.sectorsTarget, 1);
    assert.equal(s.sectorsActive, 1, "a new farm: the two sectors of the old one are gone");
    assert.match(
      fresh.stderr.trim().split("\n").at(-1) ?? "",
      / dev --keep: the manager and worker keep running until Ctrl-C\.$/,
    );
  });
});
