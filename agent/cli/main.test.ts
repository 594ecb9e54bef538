import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { packageVersion } from "../../components/core/package-version.js";
import { captureIo } from "../../test/support/cli-io.js";
import { type Command, type CommandEntry, loadCommand, UsageError } from "./command.js";
import { commands } from "./commands/index.js";
import { findCommand, main, renderHelp } from "./main.js";

const fake = (path: string[], run: Command["run"]): Command => ({
  path,
  summary: `summary of ${path.join(" ")}`,
  usage: `usage: sealfarm ${path.join(" ")}`,
  run,
});

describe("sealfarm command dispatch", () => {
  it("picks the longest matching command path", () => {
    const a = fake(["worker"], async () => 0);
    const b = fake(["worker", "list"], async () => 0);
    assert.equal(findCommand([a, b], ["worker", "list", "--json"]), b);
    assert.equal(findCommand([a, b], ["worker", "pause"]), a);
    assert.equal(findCommand([a, b], ["manager"]), undefined);
  });

  it("passes the rest of argv to the command and returns its exit code", async () => {
    let seen: string[] = [];
    const cmd = fake(["sectors", "list"], async (argv) => {
      seen = argv;
      return 3;
    });
    const io = captureIo();
    assert.equal(await main(["sectors", "list", "--json"], io, [cmd]), 3);
    assert.deepEqual(seen, ["--json"]);
  });

  it("reports a usage error with the command's usage and exit code 2", async () => {
    const cmd = fake(["plan"], async () => {
      throw new UsageError("--class is required");
    });
    const io = captureIo();
    assert.equal(await main(["plan"], io, [cmd]), 2);
    assert.match(io.stderr.join("\n"), /sealfarm plan: --class is required/);
    assert.match(io.stderr.join("\n"), /usage: sealfarm plan/);
  });

  it("reports a failure as exit code 1 naming the command", async () => {
    const cmd = fake(["chain", "head"], async () => {
      throw new Error("connection refused");
    });
    const io = captureIo();
    assert.equal(await main(["chain", "head"], io, [cmd]), 1);
    assert.deepEqual(io.stderr, ["sealfarm chain head: connection refused"]);
  });

  it("rejects an unknown command with exit code 2", async () => {
    const io = captureIo();
    assert.equal(await main(["frobnicate"], io, []), 2);
    assert.match(io.stderr[0] ?? "", /unknown command "frobnicate"/);
  });

  it("lists every registered command in --help", async () => {
    const help = renderHelp(await Promise.all(commands.map(loadCommand)));
    for (const c of commands) assert.ok(help.includes(c.path.join(" ")), `${c.path.join(" ")} missing from --help`);
  });

  it("registers each command under the path its module declares", async () => {
    for (const entry of commands) assert.deepEqual((await entry.load()).path, entry.path);
  });

  it("loads only the command that runs, and none for --version", async () => {
    const loaded: string[] = [];
    const entry = (path: string[]): CommandEntry => ({
      path,
      load: async () => {
        loaded.push(path.join(" "));
        return fake(path, async () => 0);
      },
    });
    const registry = [entry(["dev"]), entry(["plan"]), entry(["sectors", "list"])];
    assert.equal(await main(["--version"], captureIo(), registry), 0);
    assert.deepEqual(loaded, []);
    assert.equal(await main(["plan", "--class", "x"], captureIo(), registry), 0);
    assert.deepEqual(loaded, ["plan"]);
    assert.equal(await main(["--help"], captureIo(), registry), 0);
    assert.deepEqual(loaded.sort(), ["dev", "plan", "plan", "sectors list"]);
  });
});

describe("the sealfarm binary (real child process)", () => {
  const bin = fileURLToPath(new URL("../../bin/sealfarm.js", import.meta.url));

  it("prints the package version", () => {
    const out = execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    assert.equal(out.trim(), `sealfarm ${packageVersion()}`);
  });

  it("prints help that names only registered commands, each of which answers --help", () => {
    const out = execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    assert.match(out, /usage: sealfarm <command>/);
    const listed = out.split("commands:")[1] ?? "";
    const names = listed
      .split("\n")
      .map((l) => l.trim().split(/\s{2,}/)[0])
      .filter((n): n is string => Boolean(n));
    assert.deepEqual(
      names,
      commands.map((c) => c.path.join(" ")),
    );
    for (const name of names) {
      const res = spawnSync(process.execPath, [bin, ...name.split(" "), "--help"], { encoding: "utf8" });
      assert.equal(res.status, 0, `sealfarm ${name} --help exited ${res.status}: ${res.stderr}`);
      assert.match(res.stdout, /usage/i);
    }
  });

  it("runs compiled JavaScript whose stack traces name the .ts sources", () => {
    const compiled = new URL("../../.build/components/core/package-root.js", import.meta.url);
    const script = [
      "process.setSourceMapsEnabled(true);",
      `const { findPackageRoot } = await import(${JSON.stringify(compiled.href)});`,
      'try { findPackageRoot("/proc/self"); } catch (e) { console.log(e.stack); }',
    ].join("\n");
    const res = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /at findPackageRoot \(.*\/components\/core\/package-root\.ts:\d+:\d+\)/);
  });

  it("exits 2 on an unknown command", () => {
    const res = spawnSync(process.execPath, [bin, "no-such-command"], { encoding: "utf8" });
    assert.equal(res.status, 2);
    assert.match(res.stderr, /unknown command "no-such-command"/);
  });
});
