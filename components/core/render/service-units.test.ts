// The rendered units are checked by systemd itself: `systemd-analyze verify` must exit 0 AND print nothing on
// stderr (unknown keys and bad values are only warnings with exit 0). Goldens pin the exact text.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { scratchDir } from "../../../test/support/scratch-dir.js";
import { renderManagerUnit, renderWorkerUnit } from "./service-units.js";
import { execLine, quoteExecArg, renderSystemdUnit } from "./systemd-unit.js";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/render/units/", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";
const tmp = scratchDir("sealfarm-units-");

// systemd-analyze verify refuses an ExecStart whose program does not exist. The real binary lives in the release
// on the target host, so for the verify step only, a stub executable stands in for it in the temp dir.
const stubBin = join(tmp, "bin", "sealfarm");
mkdirSync(join(tmp, "bin"));
writeFileSync(stubBin, "#!/bin/sh\nexit 0\n");
chmodSync(stubBin, 0o755);

function verify(name: string, text: string): { status: number | null; stderr: string } {
  const path = join(tmp, name);
  writeFileSync(path, text);
  const r = spawnSync("systemd-analyze", ["verify", path], { encoding: "utf8" });
  return { status: r.status, stderr: r.stderr };
}

const storePaths = ["/mnt/nvme1/sealfarm", "/mnt/nvme0/sealfarm", "/mnt/persist-1", "/mnt/nvme0/sealfarm"];

describe("systemd units", () => {
  it("the worker unit passes systemd-analyze verify with exit 0 and empty stderr", () => {
    const r = verify("sealfarm-worker.service", renderWorkerUnit({ storePaths, bin: stubBin }));
    assert.deepEqual(r, { status: 0, stderr: "" });
  });

  it("the manager unit passes systemd-analyze verify with exit 0 and empty stderr", () => {
    const r = verify(
      "sealfarm-manager.service",
      renderManagerUnit({ persistStorePaths: ["/mnt/persist-1"], bin: stubBin }),
    );
    assert.deepEqual(r, { status: 0, stderr: "" });
  });

  it("the verify check itself catches a typo that systemd only warns about", () => {
    const bad = renderWorkerUnit({ storePaths, bin: stubBin }).replace("Restart=on-failure", "Restart=on-failur");
    const r = verify("typo.service", bad);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /restart specifier, ignoring: on-failur/);
  });

  it("is hardened: own user, no new privileges, strict read-only system with only the stores writable", () => {
    const text = renderWorkerUnit({ storePaths });
    for (const line of [
      "User=sealfarm",
      "Group=sealfarm",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "Restart=on-failure",
      "LimitNOFILE=1048576",
      "ExecStart=/opt/sealfarm/current/bin/sealfarm worker run --config /etc/sealfarm/worker.toml",
    ]) {
      assert.ok(text.split("\n").includes(line), line);
    }
    const rw = text.split("\n").filter((l) => l.startsWith("ReadWritePaths="));
    assert.deepEqual(rw, [
      "ReadWritePaths=/mnt/nvme0/sealfarm",
      "ReadWritePaths=/mnt/nvme1/sealfarm",
      "ReadWritePaths=/mnt/persist-1",
    ]);
    const manager = renderManagerUnit({ persistStorePaths: ["/mnt/persist-1"] });
    assert.ok(manager.includes("\nReadWritePaths=/var/lib/sealfarm/manager\n"));
    assert.ok(manager.includes("\nPrivateDevices=yes\n"));
  });

  it("matches the golden unit files", () => {
    const cases = {
      "sealfarm-worker.service": renderWorkerUnit({ storePaths }),
      "sealfarm-manager.service": renderManagerUnit({ persistStorePaths: ["/mnt/persist-1"] }),
    };
    for (const [file, text] of Object.entries(cases)) {
      const path = join(fixtures, file);
      if (update) {
        mkdirSync(fixtures, { recursive: true });
        writeFileSync(path, text);
      } else {
        assert.ok(existsSync(path), `${path} missing: UPDATE_GOLDEN=1`);
        assert.equal(text, readFileSync(path, "utf8"), path);
      }
    }
  });

  it("quotes ExecStart arguments the way systemd splits them", () => {
    assert.equal(quoteExecArg("plain"), "plain");
    assert.equal(quoteExecArg("two words"), '"two words"');
    assert.equal(quoteExecArg('say "hi"'), '"say \\"hi\\""');
    assert.equal(quoteExecArg("100%"), "100%%");
    assert.equal(quoteExecArg("$HOME"), "$$HOME");
    assert.throws(() => execLine(["relative/bin", "x"]), /absolute program path/);
  });

  it("refuses a value that would inject a directive", () => {
    assert.throws(
      () => renderSystemdUnit({ Unit: { Description: "x\nExecStartPre=/bin/rm" }, Service: {} }),
      /\[Unit\] Description: expected a single line/,
    );
    assert.throws(() => renderWorkerUnit({ storePaths: [], environment: { "BAD-NAME": "1" } }), /variable name/);
  });

  it("a quoted ExecStart with spaces and an environment still verifies cleanly", () => {
    const spaced = join(tmp, "dir with space");
    mkdirSync(spaced, { recursive: true });
    const bin = join(spaced, "sealfarm");
    writeFileSync(bin, "#!/bin/sh\nexit 0\n");
    chmodSync(bin, 0o755);
    const text = renderWorkerUnit({
      storePaths,
      bin,
      configPath: "/etc/sealfarm/worker 1.toml",
      environment: { RUST_LOG: "info,x=debug %h" },
    });
    assert.deepEqual(verify("spaced.service", text), { status: 0, stderr: "" });
  });
});
