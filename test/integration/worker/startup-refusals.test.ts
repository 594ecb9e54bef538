// issue 15: a sealing location that cannot be a store refuses `sealfarm worker run` at start-up with one message
// naming the file and the key, never a stack trace from a thread after it started.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { sealfarmBin } from "./harness.js";

describe("worker start-up refusals", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealfarm-startup-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (toml: string) => {
    const file = join(dir, "worker.toml");
    writeFileSync(file, toml);
    const r = spawnSync(process.execPath, [sealfarmBin, "worker", "run", "--config", file], {
      encoding: "utf8",
      timeout: 60_000,
    });
    return { file, status: r.status, stderr: r.stderr, stdout: r.stdout };
  };
  const noStack = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at /m, stderr);

  it("a sealing location that is a file: refused at load, naming the file and the key", () => {
    writeFileSync(join(dir, "afile"), "x");
    const r = run(
      `[sector_manager.rpc_client]\naddr = "/ip4/127.0.0.1/tcp/1"\n[[sealing_thread]]\nplan = "unseal"\nlocation = "afile"\n`,
    );
    assert.equal(r.status, 1, r.stdout);
    assert.match(
      r.stderr,
      new RegExp(
        `${r.file.replace(/[.]/g, "\\.")}: sealing_thread\\[0\\]\\.location: expected a directory .* found a file`,
      ),
    );
    noStack(r.stderr);
  });

  it("a sealing location under a file (cannot be created): refused at start-up, naming the file and the key", () => {
    const r = run(
      `[sector_manager.rpc_client]\naddr = "/ip4/127.0.0.1/tcp/1"\n[worker.rpc_server]\nport = 0\n[[sealing_thread]]\nplan = "unseal"\nlocation = "afile/store"\n`,
    );
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`${r.file.replace(/[.]/g, "\\.")}: sealing_thread\\[0\\]\\.location: .*ENOTDIR`));
    noStack(r.stderr);
  });
});
