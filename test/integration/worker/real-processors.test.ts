// The processor pool against the real sealfarm-proofs: `cgroup.cpuset` reaches the child as VC_CG_CPUSET and the
// binary pins itself (read back from /proc/<pid>/status), `envs` reach its environment, and real tasks run.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { defaultProcessorEntry, type ProcessorEntry } from "../../../agent/worker/config/worker-config.js";
import { defaultProofsBin } from "../../../agent/worker/default-bin.js";
import { ProcessorPool } from "../../../agent/worker/processors/processor-pool.js";
import { requireStages } from "./harness.js";

await requireStages(["add_pieces"]);
const dir = mkdtempSync(join(tmpdir(), "sealfarm-real-proc-"));
const pools: ProcessorPool[] = [];
after(async () => {
  await Promise.all(pools.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function entry(over: Partial<ProcessorEntry>): ProcessorEntry {
  return { ...defaultProcessorEntry("add_pieces", defaultProofsBin()), ...over };
}

describe("real sealfarm-proofs processors", () => {
  it("pins the child to cgroup.cpuset and passes envs", async () => {
    const cpu = String(availableParallelism() - 1);
    const pool = new ProcessorPool(
      {
        concurrent: {},
        staggeredMs: {},
        extLocks: {},
        staticTreeD: {},
        entries: { add_pieces: [entry({ cpuset: cpu, envs: { CUDA_VISIBLE_DEVICES: "1" } })] },
      },
      defaultProofsBin(),
    );
    pools.push(pool);
    await pool.start();
    const pid = pool.childrenOf("add_pieces")[0]?.pid;
    assert.ok(pid !== undefined);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    assert.match(status, new RegExp(`Cpus_allowed_list:\\s+${cpu}\\n`));
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    assert.ok(environ.includes("CUDA_VISIBLE_DEVICES=1"));
    assert.ok(environ.includes(`VC_CG_CPUSET=${cpu}`));
    // A real task through the pinned child: a CC 2 KiB staged file and its piece info.
    const staged = join(dir, "staged");
    const out = (await pool.run("add_pieces", {
      seal_proof_type: "StackedDrg2KiBV1_1",
      pieces: [],
      staged_filepath: staged,
    })) as Array<{
      commitment: number[];
      size: number;
    }>;
    assert.equal(statSync(staged).size, 2048);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.size, 2032);
    assert.equal(out[0]?.commitment.length, 32);
    // A bad task is answered with err_msg naming the field, and the child keeps serving.
    await assert.rejects(
      pool.run("add_pieces", { seal_proof_type: "StackedDrg2KiBV1_1", pieces: [] }),
      /staged_filepath/,
    );
    assert.equal(pool.childrenOf("add_pieces")[0]?.pid, pid);
  });
});
