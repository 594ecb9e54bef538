// SnapUp end to end with the real manager, the real worker (a child process) and the real sealfarm-proofs stages:
// a CC sector is sealed and proving, a deal arrives, a snapup thread encodes it into the sector's update replica,
// the devnet verifies the update proof and switches the sector to its new comm_r, and a WindowPoSt over the update
// replica verifies. On the way the worker is killed with SIGKILL in every snapup state and resumes there: each
// state is held by a gate in front of the processor its handler calls (test/fixtures/worker/gated-processor.mjs),
// and Persisted by taking the manager away, so the test waits only for states that stay.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "smol-toml";
import { importDeal } from "../../../agent/manager/deals/deal.service.js";
import type { WdPoStInput } from "../../../agent/shared/rpc/venus-types.js";
import { defaultProofsBin } from "../../../agent/worker/default-bin.js";
import { dealPayload } from "../../../agent/worker/dev/dev-plan.js";
import {
  type Farm,
  repoRoot,
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

const gated = join(repoRoot, "test", "fixtures", "worker", "gated-processor.mjs");
const gatedStages = ["add_pieces", "tree_d", "snap_encode", "snap_prove", "transfer"] as const;

describe("SnapUp: a proving CC sector takes a deal, survives SIGKILL in every state, and proves its update", () => {
  let farm: Farm;
  let worker: WorkerProcess | undefined;
  let gateDir = "";
  let snapConfig = "";
  let snapStore = "";
  const env = () => ({ SEALFARM_PROOFS_BIN: defaultProofsBin() });

  before(async () => {
    farm = await startFarm({
      threads: 1,
      // A PoSt thread from the start: a sector that misses its WindowPoSt turns faulty and is no SnapUp candidate.
      wdpost: true,
      managerToml: {
        // Blocks slow enough that a loaded machine's PoSt thread keeps the sector proving (a faulty sector is no
        // SnapUp candidate) while the worker restarts between the states.
        chain: { block_time: "250ms", precommit_challenge_delay: 2, confidence: 1, proving_period: 40, deadlines: 4 },
        miners: [{ actor: 1000, seal_proof: "StackedDrg2KiBV1_1", min_number: 1, max_number: 100, enable_deals: true }],
      },
      sealing: { seal_interval: "1h", max_retries: 1000 },
    });
    gateDir = join(farm.dir, "gates");
    mkdirSync(gateDir, { recursive: true });
    // The second worker config: one snapup thread, one PoSt thread, and every processor the snapup states call
    // behind a gate (they forward to the real binary).
    const toml = parse(readFileSync(farm.configFile, "utf8")) as Record<string, unknown>;
    snapStore = join(farm.dir, "snap0");
    toml.sealing_thread = [{ location: snapStore, plan: "snapup" }, { plan: "wdpost" }];
    toml.processors = Object.fromEntries(
      gatedStages.map((s) => [s, [{ bin: process.execPath, args: [gated, s, gateDir] }]]),
    );
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

  /** Holds the next task of `stage` (whose JSON contains `match`), restarts the worker, and waits until it is held. */
  async function holdAndWait(stage: string, match = ""): Promise<void> {
    for (const s of gatedStages) rmSync(join(gateDir, `${s}.hold`), { force: true });
    writeFileSync(join(gateDir, `${stage}.hold`), match);
    // A gate counts the tasks it held since it started; each worker start brings new gates.
    for (const f of readdirSync(gateDir)) if (f.includes(".held-")) rmSync(join(gateDir, f));
    const w = await startWorker(snapConfig, env());
    worker = w;
    await waitFor(
      `the ${stage} task to be held`,
      () => (existsSync(join(gateDir, `${stage}.held-1`)) ? true : undefined),
      120_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the worker's log:\n${w.log().slice(-3000)}`);
    });
  }

  it("seals a CC sector first, which becomes a SnapUp candidate once it proves", async () => {
    const sealer = await startWorker(farm.configFile, env());
    const active = await waitFor(
      "a CC sector to be Active",
      async () => {
        const list = await farm.rpc.callVenus("ListSectors", [null]);
        const a = list.filter((s) => s.State === "Active");
        return a.length > 0 ? a : undefined;
      },
      120_000,
    );
    await sealer.stop();
    assert.equal(active[0]?.Deals, 0);
    const dealFile = join(farm.dir, "deal.bin");
    writeFileSync(dealFile, dealPayload(1000));
    await importDeal(farm.manager.ctx, dealFile, 1000);
  });

  it("is killed in each state and resumes it: Allocated, PieceAdded, TreeDBuilt, SnapEncoded, SnapProved, Persisted", async () => {
    const states: Array<[string, string, string]> = [
      ["add_pieces", "", "Allocated"],
      ["tree_d", "", "PieceAdded"],
      ["snap_encode", "", "TreeDBuilt"],
      ["snap_prove", "", "SnapEncoded"],
      // The persist copy (into update-cache/ of the store), not the link of the old replica in TreeDBuilt.
      ["transfer", "update-cache", "SnapProved"],
    ];
    for (const [stage, match, state] of states) {
      await holdAndWait(stage, match);
      assert.equal(sectorState(), state, `held in ${stage}`);
      await worker?.kill9();
    }
    // Resumes in SnapProved (held again), then persists while the manager is away: SubmitSnapUpProof cannot reach
    // it, so the thread stays in Persisted, retrying.
    await holdAndWait("transfer", "update-cache");
    assert.equal(sectorState(), "SnapProved");
    await farm.stopManager();
    writeFileSync(join(gateDir, "transfer.release"), "");
    await waitFor(
      "Persisted while the manager is down",
      () => (sectorState() === "Persisted" ? true : undefined),
      120_000,
    );
    await worker?.kill9();
    rmSync(join(gateDir, "transfer.release"), { force: true });
    for (const s of gatedStages) rmSync(join(gateDir, `${s}.hold`), { force: true });
    await farm.startManagerAgain();
    worker = await startWorker(snapConfig, env());
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
