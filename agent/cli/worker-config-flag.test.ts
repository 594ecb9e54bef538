import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ConfigError } from "../../components/core/config/config-error.js";
import { scratchDir } from "../../test/support/scratch-dir.js";
import { parseArgs } from "./cli-args.js";
import { UsageError } from "./command.js";
import { loadWorkerConfigFlag } from "./worker-config-flag.js";

const dir = scratchDir("sealfarm-config-flag-");
const args = (...argv: string[]) => parseArgs(argv, ["config"]);

describe("loadWorkerConfigFlag", () => {
  it("loads the --config file, resolved to an absolute path", () => {
    const file = join(dir, "worker.toml");
    writeFileSync(
      file,
      '[sector_manager]\nrpc_client.addr = "/ip4/127.0.0.1/tcp/1789"\n[[sealing_thread]]\nplan = "wdpost"\n',
    );
    const loaded = loadWorkerConfigFlag(args("--config", file), () => assert.fail("reported"), "/opt/proofs");
    assert.equal(loaded?.config.file, file);
    assert.deepEqual(
      loaded?.config.threads.map((t) => t.plan),
      ["wdpost"],
    );
  });
  it("hands a refused config to the caller and gives undefined", () => {
    const file = join(dir, "bad.toml");
    writeFileSync(file, "[worker\n");
    const reported: [ConfigError, string][] = [];
    assert.equal(
      loadWorkerConfigFlag(args("--config", file), (e, f) => reported.push([e, f]), "/opt/proofs"),
      undefined,
    );
    assert.equal(reported.length, 1);
    assert.equal(reported[0]?.[1], file);
    assert.match(reported[0]?.[0].lines[0] ?? "", new RegExp(`^${file}: not valid TOML: `));
  });
  it("is a usage error without --config", () => {
    assert.throws(
      () => loadWorkerConfigFlag(args(), () => {}, "/opt/proofs"),
      (e: unknown) => e instanceof UsageError && e.message === "--config FILE is required",
    );
  });
});
