// The rebuild and unseal plans end to end: a real manager, real workers (child processes) and the real
// sealfarm-proofs processors, 2 KiB sectors. A sealer thread seals a sector holding a deal; its sealed file and
// cache are deleted from the persist store (WindowPoSt then finds it faulty); the manager queues a rebuild; a
// rebuild thread (killed with SIGKILL once on the way, while its PC1 is held at a test gate) seals it again, byte-identical, and the sector proves again.
// Then an unseal thread recovers the deal's piece to file:/// and to store:///<cid> (the manager's piece store).
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "smol-toml";
import { dealPayload } from "../../../agent/dev/dev-plan.js";
import { importDeal } from "../../../agent/manager/deals/deal.service.js";
import { UnsealState } from "../../../agent/shared/rpc/index.js";
import { callWorker } from "../../../agent/worker/rpc/worker-rpc.js";
import { holdChain } from "../../support/manager-clocks.js";
import { ProcessorGate } from "../../support/processor-gate.js";
import {
  type Farm,
  recordedState,
  requireStages,
  sealStages,
  sectors,
  startFarm,
  startWorker,
  testSealing,
  type WorkerProcess,
  waitFor,
} from "./harness.js";

await requireStages([...sealStages, "unseal", "window_post"]);

describe("rebuild and unseal threads", () => {
  let farm: Farm;
  let worker: WorkerProcess | undefined;
  const payload = dealPayload(1000);
  let pieceCid = "";
  before(async () => {
    farm = await startFarm({
      threads: 1,
      managerToml: {
        miners: [{ actor: 1000, seal_proof: "StackedDrg2KiBV1_1", min_number: 1, max_number: 100, enable_deals: true }],
        // WindowPoSt is part of this test (a lost sector turns Faulty, a rebuilt one proves again): 2 deadlines of
        // 10 s, so a loaded machine's PoSt thread still proves within its window.
        chain: { block_time: "50ms", precommit_challenge_delay: 2, confidence: 1, proving_period: 400, deadlines: 2 },
      },
      sealing: { enable_deals: true, seal_interval: "1h" },
    });
    const dealFile = join(farm.dir, "deal.bin");
    writeFileSync(dealFile, payload);
    pieceCid = (await importDeal(farm.manager.ctx, dealFile, 1000)).pieceCid;
  });
  after(async () => {
    await worker?.stop();
    await farm?.close();
  });

  /** A second worker: a rebuild thread, an unseal thread and a PoSt thread, no sealer. */
  function secondConfig(): { file: string; rebuildStore: string; unsealStore: string } {
    const rebuildStore = join(farm.dir, "rebuild-store");
    const unsealStore = join(farm.dir, "unseal-store");
    const file = join(farm.dir, "worker-2.toml");
    writeFileSync(
      file,
      stringify({
        worker: { name: "it-worker-2", rpc_server: { host: "127.0.0.1", port: 0 }, ping_interval: "1s" },
        sector_manager: { rpc_client: { addr: farm.manager.url } },
        sealing: testSealing,
        sealing_thread: [
          { location: rebuildStore, plan: "rebuild" },
          { location: unsealStore, plan: "unseal" },
          { plan: "wdpost" },
        ],
        attached: [{ name: "persist-1", location: farm.persistDir }],
      }),
    );
    return { file, rebuildStore, unsealStore };
  }

  it("rebuilds a lost sector byte for byte, then unseals its deal piece to file:/// and store:///", async () => {
    // 1. Seal the deal sector with a sealer thread.
    const w1 = await startWorker(farm.configFile);
    const sector = await waitFor(
      "the deal sector Active",
      // Active or Faulty: without a PoSt thread, a missed proving deadline marks it faulty.
      async () => (await sectors(farm.rpc)).find((s) => (s.State === "Active" || s.State === "Faulty") && s.Deals > 0),
      120_000,
    );
    const sid = sector.ID;
    const name = `s-t0${sid.Miner}-${sid.Number}`;
    // Active on the chain may come before the worker's ReportFinalized: a sector is rebuildable once both are done.
    await waitFor(
      `${name} finalized`,
      async () => (await farm.rpc.callVenus("FindSector", [sid])).Sector.Finalized || undefined,
    );
    await w1.stop();
    const sealed = join(farm.persistDir, "sealed", name);
    const cache = join(farm.persistDir, "cache", name);
    const keep = join(farm.dir, "original");
    mkdirSync(keep);
    cpSync(sealed, join(keep, "sealed"));
    cpSync(cache, join(keep, "cache"), { recursive: true });

    // 2. Lose the files. Faulty is what WindowPoSt makes of it (or of the deadlines it missed while no PoSt thread ran).
    rmSync(sealed);
    rmSync(cache, { recursive: true });
    const second = secondConfig();
    const gate = new ProcessorGate(join(farm.dir, "gate"));
    worker = await startWorker(second.file, gate.env);
    await waitFor(
      `${name} Faulty after its files were deleted`,
      async () => (await farm.rpc.callVenus("FindSector", [sid])).Sector.State === "Faulty" || undefined,
    );

    // 3. Queue the rebuild; SIGKILL the worker while the rebuild's PC1 is held at the gate (recorded: TreeDBuilt).
    gate.hold("pc1");
    assert.equal(await farm.rpc.callVenus("SectorSetForRebuild", [sid, { PiecesAvailable: true }]), true);
    await gate.held("pc1");
    assert.equal(recordedState(second.rebuildStore), "TreeDBuilt", "PC1 runs from the TreeDBuilt record");
    await worker.kill9();
    assert.equal(recordedState(second.rebuildStore), "TreeDBuilt", "the rebuild record survived the kill");
    worker = await startWorker(second.file, gate.env);
    await waitFor(
      "the rebuild thread finished",
      () => (new RegExp(`rebuild-store\\): ${name} finished`).test(worker?.log() ?? "") ? true : undefined),
      120_000,
    );
    assert.deepEqual(readFileSync(sealed), readFileSync(join(keep, "sealed")), "rebuilt sealed file is identical");
    for (const f of ["p_aux", "sc-02-data-tree-r-last.dat"])
      assert.deepEqual(readFileSync(join(cache, f)), readFileSync(join(keep, "cache", f)), `rebuilt ${f} is identical`);
    assert.equal(recordedState(second.rebuildStore), undefined, "the rebuild store is finalized");
    // Proving again: the next WindowPoSt over it verifies and recovers it.
    await waitFor(
      `${name} Active (not Faulty) again`,
      async () => (await farm.rpc.callVenus("FindSector", [sid])).Sector.State === "Active" || undefined,
    );
    // Hold the chain from here: no later window can close unproven on a slow machine while the unseals run.
    holdChain(farm.manager);
    const timeline = (await farm.rpc.callVenus("FindSector", [sid])).Timeline;
    for (const st of [
      "Allocated",
      "PieceAdded",
      "TreeDBuilt",
      "PC1Done",
      "PC2Done",
      "SealedChecked",
      "SnapDone",
      "Persisted",
    ])
      assert.ok(
        timeline.some((e) => e.Instance === "it-worker-2" && e.Next === st),
        `the rebuild reported ${st}: ${timeline.map((e) => e.Next).join(" ")}`,
      );

    // 4. Unseal the deal's piece: to a local file and into the manager's piece store (its copy deleted first).
    const storedPiece = join(farm.manager.ctx.config.pieceStorePath, pieceCid);
    rmSync(storedPiece);
    const out = join(farm.dir, "unsealed-out", "piece.bin");
    const task = await farm.rpc.callVenus("SectorSetForUnseal", [
      { PieceCid: { "/": pieceCid }, Sector: sid, Dest: [`file://${out}`, `store:///${pieceCid}`] },
    ]);
    assert.equal(task.Size, 1016);
    const done = await waitFor("the unseal task Finished", async () => {
      const tasks = await farm.rpc.callVenus("ListUnsealTasks", [null]);
      const mine = tasks.find((x) => x.PieceCid["/"] === pieceCid);
      if (mine?.State === UnsealState.Failed) assert.fail(`unseal failed: ${mine.ErrorInfo}`);
      return mine?.State === UnsealState.Finished ? mine : undefined;
    });
    assert.equal(done.ErrorInfo, "");
    // The piece's unpadded bytes: the deal's payload, then the zeros CommP padded it with.
    const expected = Buffer.concat([payload, Buffer.alloc(1016 - payload.length)]);
    assert.deepEqual(readFileSync(out), expected, "file:/// copy equals the original piece");
    assert.ok(existsSync(storedPiece), "store:/// upload landed in the manager's piece store");
    assert.deepEqual(readFileSync(storedPiece), expected, "store:/// copy equals the original piece");
    const viaHttp = Buffer.from(await (await fetch(`${farm.manager.url}/piecestore/${pieceCid}`)).arrayBuffer());
    assert.deepEqual(viaHttp, expected);
    // The task is Finished on the manager when the worker reports it, just before the thread finalizes its store:
    // wait for the thread's own "finished" (logged after the finalize).
    await waitFor("the unseal thread finished", () =>
      new RegExp(`unseal-store\\): ${name} finished`).test(worker?.log() ?? "") ? true : undefined,
    );
    assert.equal(recordedState(second.unsealStore), undefined, "the unseal store is finalized");
    // `worker list` names each thread's plan.
    const list = (await callWorker(worker.url, "VenusWorker.WorkerList", [])) as Array<{
      plan: string;
      location: string;
    }>;
    assert.deepEqual(
      list.map((l) => [l.plan, l.location]),
      [
        ["rebuild", second.rebuildStore],
        ["unseal", second.unsealStore],
        ["wdpost", ""],
      ],
    );
    // 5. An upload that keeps failing: temporary, retried, then the thread pauses (permanent) with the error; resumed
    // at Aborted, the task fails with the reason and the sector is untouched.
    await farm.rpc.callVenus("SectorSetForUnseal", [
      { PieceCid: { "/": pieceCid }, Sector: sid, Dest: ["http://127.0.0.1:1/nothing-listens"] },
    ]);
    const paused = await waitFor("the unseal thread paused on the failing upload", async () => {
      const l = (await callWorker(worker?.url ?? "", "VenusWorker.WorkerList", [])) as Array<{
        index: number;
        thread_state: { state: string };
        job_stage: string | null;
        last_error: string | null;
      }>;
      const u = l.find((x) => x.index === 1);
      return u?.thread_state.state === "Paused" ? u : undefined;
    });
    assert.equal(paused.job_stage, "UploadPiece");
    assert.match(
      paused.last_error ?? "",
      /^permanent: .*PUT http:\/\/127\.0\.0\.1:1\/nothing-listens.*\(after 3 retries\)/,
    );
    assert.equal(await callWorker(worker.url, "VenusWorker.WorkerResume", [1, "Aborted"]), true);
    const failed = await waitFor("the unseal task Failed", async () => {
      const t = (await farm.rpc.callVenus("ListUnsealTasks", [null])).find((x) => x.PieceCid["/"] === pieceCid);
      return t?.State === UnsealState.Failed ? t : undefined;
    });
    assert.match(failed.ErrorInfo, /aborted by worker resume --state Aborted/);
    // The sector itself was not touched by the unseal: still proving.
    assert.equal((await farm.rpc.callVenus("FindSector", [sid])).Sector.State, "Active");
  });
});
