// Fuzz tests, one per config format (manager TOML, worker TOML, machine-class YAML, stack YAML): seeded mutations
// of the shipped files; every input loads or is refused with an error naming the file (and, by the loaders'
// design, the key path); never a TypeError or a stack trace. A fixed seed plus one random seed per run, bounded
// by count (FUZZ_COUNT, default 300 per seed); a failure prints the seed to replay with FUZZ_SEED.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadManagerConfig } from "../../agent/manager/config/load-manager-config.js";
import { loadWorkerConfig } from "../../agent/worker/config/load-worker-config.js";
import { ConfigError } from "../../components/core/config/config-error.js";
import { parseMachineClassYaml } from "../../components/core/config/load-class.js";
import { loadFarmStackFile } from "../../components/core/config/load-stack-file.js";
import { defaultManagerToml } from "../../components/core/config/manager-toml.js";
import { renderManagerToml } from "../../components/core/render/manager-toml-text.js";
import { scratchDir } from "../support/scratch-dir.js";
import { fuzzConfig } from "./config-fuzz.js";

const dir = scratchDir("sealfarm-fuzz-");

const workerExample = `
[worker]
name = "sealer-01"
ping_interval = "30s"
[metrics]
enable = true
http_listen = "0.0.0.0:9000"
[sector_manager]
rpc_client.addr = "/ip4/10.0.0.2/tcp/1789"
token = "manager-token"
[sealing]
allowed_miners = [10123]
allowed_sizes = ["32GiB"]
max_retries = 5
seal_interval = "30s"
recover_interval = "60s"
[[sealing_thread]]
location = "/mnt/nvme1/store1"
sealing.allowed_miners = [10124]
[[attached]]
name = "persist-1"
location = "/mnt/persist/1"
[processors.limitation.concurrent]
pc1 = 2
[processors.ext_locks]
gpu = 1
[[processors.pc2]]
cgroup.cpuset = "4-7"
concurrent = 1
locks = ["gpu"]
`;

describe("config fuzz (bounded, seeded)", () => {
  it("manager TOML", () => {
    // Through the real loader (file-system checks included) in a home with a file and a directory to trip over.
    const home = join(dir, "manager-home");
    mkdirSync(join(home, "adir"), { recursive: true });
    writeFileSync(join(home, "afile"), "x");
    const file = join(home, "manager.toml");
    const r = fuzzConfig({
      corpus: [
        renderManagerToml(defaultManagerToml()),
        '[chain]\nblock_time = "1s"\n[piece_store]\npath = "adir"\n[auth]\nsecret_file = "secret"\n[[miners]]\nactor = 1000\n',
      ],
      file,
      load: (text) => {
        writeFileSync(file, text);
        return loadManagerConfig(home);
      },
      isConfigError: (e) => e instanceof ConfigError,
    });
    assert.ok(r.loaded > 0 && r.refused > 0, JSON.stringify(r));
  });

  it("worker TOML", () => {
    const file = join(dir, "worker.toml");
    writeFileSync(join(dir, "afile"), "x");
    const r = fuzzConfig({
      corpus: [workerExample, workerExample.replace("/mnt/nvme1/store1", "afile").replace("/mnt/persist/1", "adir")],
      file,
      load: (text) => {
        writeFileSync(file, text);
        return loadWorkerConfig(file, { defaultBin: "/opt/sealfarm-proofs" });
      },
      isConfigError: (e) => e instanceof ConfigError,
    });
    assert.ok(r.loaded > 0 && r.refused > 0, JSON.stringify(r));
  });

  it("machine-class YAML", () => {
    const file = "stacks/classes/epyc-2gpu.yaml";
    const r = fuzzConfig({
      corpus: ["dev", "epyc-2gpu", "post-1gpu"].map((c) => readFileSync(`stacks/classes/${c}.yaml`, "utf8")),
      file,
      load: (text) => parseMachineClassYaml(text, file),
      isConfigError: (e) => e instanceof ConfigError,
    });
    assert.ok(r.loaded > 0 && r.refused > 0, JSON.stringify(r));
  });

  it("stack YAML", () => {
    const file = join(dir, "Pulumi.fuzz.yaml");
    const r = fuzzConfig({
      corpus: ["stacks/Pulumi.example.yaml", "stacks/Pulumi.dev.yaml"].map((f) => readFileSync(f, "utf8")),
      file,
      load: (text) => {
        writeFileSync(file, text);
        return loadFarmStackFile(file, { classNames: ["dev", "epyc-2gpu", "manager-small", "post-1gpu"] });
      },
      isConfigError: (e) => e instanceof ConfigError,
    });
    assert.ok(r.loaded > 0 && r.refused > 0, JSON.stringify(r));
  });
});
