// The argv builders, checked by really running what they build: `install -d` must create the directory with the
// mode asked for.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { scratchDir } from "../../test/support/scratch-dir.js";
import { installDir } from "./install-dir.js";
import { systemctl } from "./systemctl.js";

const tmp = scratchDir("sealfarm-tools-");

describe("systemctl argv", () => {
  it("builds the calls the providers make", () => {
    assert.deepEqual(systemctl({ action: "daemon-reload" }), ["systemctl", "daemon-reload"]);
    assert.deepEqual(systemctl({ action: "enable", now: true, units: ["sealfarm-worker.service"] }), [
      "systemctl",
      "enable",
      "--now",
      "sealfarm-worker.service",
    ]);
    assert.deepEqual(
      systemctl({
        action: "show",
        user: true,
        units: ["sealfarm-manager.service"],
        properties: ["ActiveState", "UnitFileState"],
      }),
      ["systemctl", "--user", "show", "--property=ActiveState,UnitFileState", "sealfarm-manager.service"],
    );
  });

  it("refuses what would be a different command", () => {
    assert.throws(
      () => systemctl({ action: "start", units: ["x; rm -rf /"] }),
      /expected a unit name like "sealfarm-worker.service", got "x; rm -rf \/"/,
    );
    assert.throws(() => systemctl({ action: "start" }), /expected at least one unit/);
    assert.throws(
      () => systemctl({ action: "start", now: true, units: ["a.service"] }),
      /--now only goes with enable\/disable/,
    );
  });
});

describe("install -d argv", () => {
  it("creates nested directories with the mode asked for", () => {
    const dir = join(tmp, "store with space", "sealing-0");
    const [cmd, ...args] = installDir({ path: dir, mode: "0750" });
    execFileSync(cmd as string, args);
    assert.equal(statSync(dir).mode & 0o777, 0o750);
  });

  it("checks its inputs", () => {
    assert.deepEqual(installDir({ path: "/var/lib/sealfarm", mode: "0750", owner: "sealfarm", group: "sealfarm" }), [
      "install",
      "-d",
      "-m",
      "0750",
      "-o",
      "sealfarm",
      "-g",
      "sealfarm",
      "--",
      "/var/lib/sealfarm",
    ]);
    assert.throws(() => installDir({ path: "relative", mode: "0750" }), /expected an absolute path/);
    assert.throws(() => installDir({ path: "/x", mode: "750x" }), /expected an octal mode/);
    assert.throws(() => installDir({ path: "/x", mode: "0750", owner: "root --help" }), /expected a user\/group name/);
  });
});
