import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseWorkerConfig } from "../config/load-worker-config.js";
import { processorStagesOfPlan } from "../thread/plan-spec.js";
import { admitConfiguration } from "./admit-config.js";

const GiB = 1024 ** 3;
const config = (extra: string) =>
  parseWorkerConfig(
    `
[sector_manager]
rpc_client.addr = "/ip4/10.0.0.2/tcp/1789"
[sealing]
allowed_sizes = ["32GiB"]
[[sealing_thread]]
location = "/mnt/nvme1/a"
[[sealing_thread]]
location = "/mnt/nvme1/b"
[[sealing_thread]]
location = "/mnt/nvme2/c"
${extra}`,
    "worker.toml",
    { defaultBin: "/opt/sealfarm-proofs", baseDir: "/srv" },
  ).config;

describe("admitConfiguration", () => {
  it("names a stage whose concurrent tasks at the largest allowed size exceed the host's memory", () => {
    // Three 32 GiB sealers and no limit: three PC1s at once, 64 GiB each (the planner's table).
    const problems = admitConfiguration(config(""), processorStagesOfPlan, 128 * GiB);
    const pc1 = problems.find((p) => p.includes("concurrent.pc1"));
    assert.equal(
      pc1,
      "worker.toml: processors.limitation.concurrent.pc1: 3 pc1 task(s) at once not accepted: ram required 192 GiB, available 128 GiB (lower the limit, or run fewer threads of these sizes)",
    );
  });

  it("counts the stage's concurrent limit, not the threads, when there is one", () => {
    const limited = config(`[processors.limitation.concurrent]\npc1 = 2\npc2 = 1\nc2 = 1\n`);
    assert.ok(!admitConfiguration(limited, processorStagesOfPlan, 128 * GiB).some((p) => p.includes(".pc1:")));
    assert.ok(admitConfiguration(limited, processorStagesOfPlan, 127 * GiB).some((p) => p.includes(".pc1: 2 pc1")));
  });

  it("says nothing of threads that accept any size, and nothing when the host has room", () => {
    const any = parseWorkerConfig(
      `[sector_manager]\nrpc_client.addr = "/ip4/10.0.0.2/tcp/1789"\n[[sealing_thread]]\nlocation = "/a"\n`,
      "w.toml",
      { defaultBin: "/b", baseDir: "/srv" },
    ).config;
    assert.deepEqual(admitConfiguration(any, processorStagesOfPlan, 1 * GiB), []);
    assert.deepEqual(admitConfiguration(config(""), processorStagesOfPlan, 4096 * GiB), []);
  });
});
