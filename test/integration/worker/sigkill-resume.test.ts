// kill -9 the agent in PC1, PC2, while it waits for the seed, and in C2: each restart resumes the sector at the
// state it recorded, and the sector still ends Active on the manager, sealed once, with nothing aborted.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Farm, recordedState, requireStages, sectors, startFarm, startWorker, waitFor } from "./harness.js";

await requireStages();

// The state a sector is recorded in while that stage runs: its handler runs right after the record is written.
const kills: Array<{ during: string; state: string; settleMs: number }> = [
  { during: "PC1", state: "TicketAssigned", settleMs: 150 },
  { during: "PC2", state: "PC1Done", settleMs: 150 },
  { during: "waiting for the seed", state: "PersistanceSubmitted", settleMs: 50 },
  { during: "C2", state: "C1Done", settleMs: 20 },
];

describe("SIGKILL at any stage resumes at the last recorded state", () => {
  let farm: Farm;
  before(async () => {
    farm = await startFarm({
      threads: 1,
      // 8 MiB so PC1/PC2 run long enough to be killed mid-task; a 1 s challenge delay for the seed wait.
      managerToml: {
        miners: [{ actor: 1000, seal_proof: "StackedDrg8MiBV1_1" }],
        chain: { block_time: "50ms", precommit_challenge_delay: 20, confidence: 1, proving_period: 40, deadlines: 4 },
      },
      sealing: { allowed_sizes: ["8MiB"] },
    });
  });
  after(async () => farm?.close());

  it("kills in PC1, PC2, the seed wait and C2, and the sector still seals once", async (t) => {
    const store = farm.threadDirs[0] as string;
    for (const k of kills) {
      const w = await startWorker(farm.configFile);
      try {
        await waitFor(
          `state ${k.state} recorded`,
          () => (recordedState(store) === k.state ? true : undefined),
          120_000,
        );
        await new Promise((r) => setTimeout(r, k.settleMs));
        await w.kill9();
      } finally {
        await w.kill9();
      }
      const at = recordedState(store);
      // A kill may land just after the step finished and its next state was recorded: that is still "resume at the
      // last recorded state". It must never go backwards or lose the sector.
      assert.ok(at !== undefined, `after kill during ${k.during}: the sector record survived`);
      t.diagnostic(`killed during ${k.during}: recorded state after the kill is ${at}`);
      const order = [
        "TicketAssigned",
        "PC1Done",
        "PC2Done",
        "PCSubmitted",
        "PCLanded",
        "Persisted",
        "PersistanceSubmitted",
        "SeedAssigned",
        "C1Done",
        "C2Done",
        "ProofSubmitted",
      ];
      assert.ok(
        order.indexOf(at) >= order.indexOf(k.state),
        `after kill during ${k.during}: recorded ${at}, expected ${k.state} or later`,
      );
    }
    const w = await startWorker(farm.configFile);
    try {
      const s1 = await waitFor(
        "sector 1 Active",
        async () => (await sectors(farm.rpc)).find((s) => s.ID.Number === 1 && s.State === "Active"),
        120_000,
      );
      assert.equal(s1.Worker, "it-worker");
      const all = await sectors(farm.rpc);
      assert.deepEqual(
        all.filter((s) => s.State === "Aborted" || s.AbortReason !== null),
        [],
        "nothing aborted",
      );
      const detail = await farm.rpc.callVenus("FindSector", [s1.ID]);
      // Sealed once: PreCommit and the proof were each submitted by one run, resumed, never restarted from Empty.
      const allocs = detail.Timeline.filter((t) => t.Prev === "Empty" && t.Next === "Allocated");
      assert.equal(allocs.length, 1, "allocated once");
      assert.match(w.log(), /worker it-worker: 1 threads/);
    } finally {
      await w.stop();
    }
  });
});
