// SnapUp end to end with the real manager, the real worker (a child process) and the real sealfarm-proofs stages:
// a CC sector is sealed and proving, a deal arrives, a snapup thread encodes it into the sector's update replica,
// the devnet verifies the update proof and switches the sector to its new comm_r, and a WindowPoSt over the update
// replica verifies. On the way the worker is killed with SIGKILL in every snapup state and resumes there: each
// state is held by the test gate in front of the processor its handler calls (test/support/processor-gate.ts),
// and Persisted by taking the manager away, so the test waits only for states that stay.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "smol-toml";
import { dealPayload } from "../../../agent/dev/dev-plan.js";
import { importDeal } from "../../../agent/manager/deals/deal.service.js";
import type { WdPoStInput } from "../../../agent/shared/rpc/venus-types.js";
import { pausableClock } from "../../support/manager-clocks.js";
import { ProcessorGate } from "../../support/processor-gate.js";
import {
  type Farm,
  requireStages,
  sealStages,
  startFarm,
  startWorker,
  type WorkerProcess,
  waitFor,
} from "./harness.js";

await requireStages([
  ...sealStages,
  "snap_encode",
  "snap_partition_proofs",
  "snap_prove",
  "verify_snap",
  "window_post",
]);

describe("SnapUp: a proving CC sector takes a deal, survives SIGKILL in every state, and proves its update", () => {
  const chainClock = pausableClock();
  let farm: Farm;
  let worker: WorkerProcess | undefined;
  let gate: ProcessorGate;
  let snapConfig = "";
  let snapStore = "";

  before(async () => {
    farm = await startFarm({
      threads: 1,
      // A PoSt thread from the start: a sector that misses its WindowPoSt turns faulty and is no SnapUp candidate.
      wdpost: true,
      // The chain stands still while nothing runs a PoSt thread (the sealer stopped, the SnapUp worker killed and
      // started again, the manager away): a faulty sector cannot be updated, and how long a loaded machine takes
      // to restart a process must not decide whether a deadline passes unproven.
      devnetClock: chainClock.now,
      managerToml: {
        chain: { block_time: "250ms", precommit_challenge_delay: 2, confidence: 1, proving_period: 40, deadlines: 4 },
        miners: [{ actor: 1000, seal_proof: "StackedDrg2KiBV1_1", min_number: 1, max_number: 100, enable_deals: true }],
      },
      sealing: { seal_interval: "1h", max_retries: 1000 },
    });
    gate = new ProcessorGate(join(farm.dir, "gates"));
    // The second worker config: one snapup thread, one PoSt thread, and a transfer processor (the bundled binary,
    // through the gate like every stage) so that persisting the update files is a task the gate can hold.
    const toml = parse(readFileSync(farm.configFile, "utf8")) as Record<string, unknown>;
    snapStore = join(farm.dir, "snap0");
    toml.sealing_thread = [{ location: snapStore, plan: "snapup" }, { plan: "wdpost" }];
    toml.processors = { transfer: [{}] };
    snapConfig = join(farm.dir, "worker-snapup.toml");
    writeFileSync(snapConfig, stringify(toml));
  });
  after(async () => {
    await worker?.stop();
    await farm?.close();
  });

  const sectorState = (): string | undefined => {
    const meta = join(snapStore, "meta", "sector.json");
    return existsSync(meta) ? (JSON.parse(readFileSync(meta, "utf8")) as { state: string }).state : undefined;
  };

  /** Arms a hold on the next task of `stage`, starts the worker and waits until that task is held. */
  async function holdAndWait(stage: string): Promise<void> {
    gate.hold(stage);
    const w = await startWorker(snapConfig, gate.env);
    worker = w;
    await gate.held(stage).catch(async (e: Error) => {
      const rows = await farm.manager.ctx.db
        .selectFrom("sectors")
        .select(["number", "state", "finalized", "faulty", "snap_state", "rebuild_state", "persist_instance"])
        .execute();
      throw new Error(`${e.message}; sectors ${JSON.stringify(rows)}; the worker's log:\n${w.log().slice(-2000)}`);
    });
  }

  it("seals a CC sector first, which becomes a SnapUp candidate once it proves", async () => {
    const sealer = await startWorker(farm.configFile);
    // Active and finalized: the chain can make a sector Active before the worker's ReportFinalized, and only a
    // sector the worker has let go of is a SnapUp candidate. Both stay once reached.
    const active = await waitFor(
      "a CC sector to be Active and finalized by its worker",
      async () => {
        const list = await farm.rpc.callVenus("ListSectors", [null]);
        const a = list.filter((s) => s.State === "Active" && s.Finalized);
        return a.length > 0 ? a : undefined;
      },
      120_000,
    );
    // Paused before its PoSt thread goes, until the SnapUp worker's PoSt thread is up for good (end of the next test).
    chainClock.pause();
    await sealer.stop();
    assert.equal(active[0]?.Deals, 0);
    const dealFile = join(farm.dir, "deal.bin");
    writeFileSync(dealFile, dealPayload(1000));
    await importDeal(farm.manager.ctx, dealFile, 1000);
  });

  it("is killed in each state and resumes it: Allocated, PieceAdded, TreeDBuilt, SnapEncoded, SnapProved, Persisted", async () => {
    // Each hold is taken by one task; the restarted worker reruns the killed state's task unheld and moves on to
    // the next armed stage. The transfer hold is armed once the old replica is linked (TreeDBuilt is behind), so
    // the task it takes is the persist of the update files.
    const states: Array<[string, string]> = [
      ["add_pieces", "Allocated"],
      ["tree_d", "PieceAdded"],
      ["snap_encode", "TreeDBuilt"],
      ["snap_prove", "SnapEncoded"],
      ["transfer", "SnapProved"],
    ];
    for (const [stage, state] of states) {
      await holdAndWait(stage);
      assert.equal(sectorState(), state, `held in ${stage}`);
      await worker?.kill9();
    }
    // Resumes in SnapProved (held again), then persists while the manager is away: SubmitSnapUpProof cannot reach
    // it, so the thread stays in Persisted, retrying.
    await holdAndWait("transfer");
    assert.equal(sectorState(), "SnapProved");
    await farm.stopManager();
    gate.release("transfer");
    await waitFor(
      "Persisted while the manager is down",
      () => (sectorState() === "Persisted" ? true : undefined),
      120_000,
    );
    await worker?.kill9();
    await farm.startManagerAgain();
    worker = await startWorker(snapConfig, gate.env);
    // Its PoSt thread stays from here on: the chain runs again, from the height where it stopped.
    chainClock.resume();
  });

  it("the devnet verifies the update, switches the sector to its new comm_r, and WindowPoSt proves the update", async () => {
    const sid = { Miner: 1000, Number: 1 };
    const detail = await waitFor(
      "the Upgraded timeline entry",
      async () => {
        const d = await farm.rpc.callVenus("FindSector", [sid]);
        return d.Timeline.some((t) => t.Next === "Upgraded") ? d : undefined;
      },
      180_000,
    );
    const row = await farm.manager.ctx.db
      .selectFrom("sectors")
      .selectAll()
      .where("miner", "=", 1000)
      .where("number", "=", 1)
      .executeTakeFirstOrThrow();
    assert.equal(row.snap_state, "upgraded");
    assert.notEqual(row.snap_comm_r, row.pc_comm_r);
    assert.ok(existsSync(join(farm.persistDir, "update", "s-t01000-1")));
    assert.ok(existsSync(join(farm.persistDir, "update-cache", "s-t01000-1", "p_aux")));
    assert.ok(detail.Timeline.some((t) => t.Next === "SnapUpAllocated"));
    // A WindowPoSt created after the upgrade proves the update replica with the new comm_r, and verifies.
    const upgradedAt = row.snap_at ?? 0;
    const job = await waitFor(
      "a verified WindowPoSt over the update replica",
      async () => {
        const jobs = await farm.manager.ctx.db
          .selectFrom("wdpost_jobs")
          .selectAll()
          .where("succeeded", "=", 1)
          .where("created_at", ">", upgradedAt)
          .execute();
        return jobs.find((j) =>
          (JSON.parse(j.input) as WdPoStInput).Sectors.some((s) => s.SectorId === 1 && s.Upgrade),
        );
      },
      180_000,
    );
    const input = JSON.parse(job.input) as WdPoStInput;
    const s1 = input.Sectors.find((s) => s.SectorId === 1);
    assert.equal(Buffer.from(s1?.CommR ?? []).toString("hex"), row.snap_comm_r);
    const finished = await waitFor("the snapup thread to finish the sector", () =>
      sectorState() === undefined ? true : undefined,
    );
    assert.equal(finished, true);
  });
});
