// kill -9 the agent in PC1, PC2, while it waits for the seed, and in C2: each restart resumes the sector at the
// state it recorded, and the sector still ends Active on the manager, sealed once, with nothing aborted.
// PC1, PC2 and C2 are held at a test gate, so the kill lands inside that stage whatever the machine's speed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sealerStates } from "../../../agent/worker/planner/sealer.js";
import { ProcessorGate } from "../../support/processor-gate.js";
import { type Farm, recordedState, requireStages, sectors, startFarm, startWorker, waitFor } from "./harness.js";

await requireStages();

// The sealer plan's states in order, as far as this test goes.
const order: readonly string[] = sealerStates.slice(
  sealerStates.indexOf("TicketAssigned"),
  sealerStates.indexOf("ProofSubmitted") + 1,
);

// The state a sector is recorded in while that stage runs: its handler runs right after the record is written.
// `stage`: the processor stage held at the gate while the agent is killed. The seed wait runs no processor, so
// that kill waits for the record to reach PersistanceSubmitted (or later: a slow machine may have got the seed;
// the kill is then just as valid a test of resuming at the last recorded state).
const kills: Array<{ during: string; state: string; stage?: string }> = [
  { during: "PC1", state: "TicketAssigned", stage: "pc1" },
  { during: "PC2", state: "PC1Done", stage: "pc2" },
  { during: "waiting for the seed", state: "PersistanceSubmitted" },
  { during: "C2", state: "C1Done", stage: "c2" },
];

describe("SIGKILL at any stage resumes at the last recorded state", () => {
  let farm: Farm;
  before(async () => {
    farm = await startFarm({
      threads: 1,
      // A 3 s challenge delay (60 epochs of 50 ms) for the seed wait; no WindowPoSt deadline within the test (a
      // 2 h proving period, see testConfig), so the sealed sector stays Active.
      managerToml: {
        chain: {
          block_time: "50ms",
          precommit_challenge_delay: 60,
          confidence: 1,
          proving_period: 144_000,
          deadlines: 4,
        },
      },
    });
  });
  after(async () => farm?.close());

  it("kills in PC1, PC2, the seed wait and C2, and the sector still seals once", async (t) => {
    const store = farm.threadDirs[0] as string;
    const gate = new ProcessorGate(join(farm.dir, "gate"));
    for (const k of kills) {
      if (k.stage !== undefined) gate.hold(k.stage);
      const w = await startWorker(farm.configFile, gate.env);
      try {
        if (k.stage !== undefined) {
          await gate.held(k.stage);
          assert.equal(recordedState(store), k.state, `${k.stage} runs from the ${k.state} record`);
        } else {
          await waitFor(`state ${k.state} or later recorded`, () => {
            const at = recordedState(store);
            return at !== undefined && order.indexOf(at) >= order.indexOf(k.state) ? true : undefined;
          });
        }
        await w.kill9();
      } finally {
        await w.kill9();
      }
      const at = recordedState(store);
      assert.ok(at !== undefined, `after kill during ${k.during}: the sector record survived`);
      t.diagnostic(`killed during ${k.during}: recorded state after the kill is ${at}`);
      if (k.stage !== undefined) assert.equal(at, k.state, `after kill during ${k.during}`);
      else
        assert.ok(
          order.indexOf(at) >= order.indexOf(k.state),
          `after kill during ${k.during}: recorded ${at}, expected ${k.state} or later`,
        );
    }
    const w = await startWorker(farm.configFile, gate.env);
    try {
      const s1 = await waitFor("sector 1 Active", async () =>
        (await sectors(farm.rpc)).find((s) => s.ID.Number === 1 && s.State === "Active"),
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
