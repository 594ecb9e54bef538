// The manager lets go of a sector (Finalized in the ReportState reply): the agent drops it locally and moves on.
// Hot config `<location>/config.toml` is picked up between sectors. Startup refuses unknown attached stores and
// reports config errors with the file and key path.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stringify } from "smol-toml";
import { runSealfarm } from "../../support/child-process.js";
import { ProcessorGate } from "../../support/processor-gate.js";
import {
  recordedState,
  requireStages,
  sectors,
  startFarm,
  startWorker,
  stoppedAfterEach,
  waitFor,
  workerThreads,
} from "./harness.js";

await requireStages();

describe("manager-side abort, hot config, strict startup", () => {
  const running = stoppedAfterEach();

  it("drops a sector the manager aborted and goes on with the next one", async () => {
    const f = running.farm(await startFarm({ threads: 1 }));
    const store = f.threadDirs[0] as string;
    // PC1 held at the gate: the operator aborts the sector while the worker is inside PC1.
    const gate = new ProcessorGate(join(f.dir, "gate"));
    gate.hold("pc1");
    const worker = running.worker(await startWorker(f.configFile, gate.env));
    await gate.held("pc1");
    assert.equal(recordedState(store), "TicketAssigned");
    await f.rpc.callVenus("ReportAborted", [{ Miner: 1000, Number: 1 }, "operator: bad disk"]);
    gate.release("pc1");
    // The next report (after PC1) answers Finalized=true: the agent wipes the sector and allocates sector 2.
    await waitFor("sector 2 allocated", async () =>
      (await sectors(f.rpc)).some((s) => s.ID.Number === 2) ? true : undefined,
    );
    const s1 = (await sectors(f.rpc)).find((s) => s.ID.Number === 1);
    assert.equal(s1?.State, "Aborted");
    assert.equal(s1?.AbortReason, "operator: bad disk");
    assert.match(worker.log(), /s-t01000-1: manager says finalized \(operator: bad disk\), aborting locally/);
    assert.ok(!existsSync(join(store, "data", "sealed", "s-t01000-1")), "local files of the aborted sector are gone");
    const t = (await workerThreads(worker))[0];
    assert.notEqual(t?.thread_state.state, "Paused");
  });

  it("reloads <location>/config.toml between sectors", async () => {
    const f = running.farm(await startFarm({ threads: 1, sealing: { request_task_max_retries: 1 } }));
    const store = f.threadDirs[0] as string;
    const hot = join(store, "config.toml");
    mkdirSync(store, { recursive: true });
    // Allowed miners that do not exist: after the current sector, the thread gets nothing to seal.
    writeFileSync(hot, stringify({ sealing: { allowed_miners: [4242] } }));
    const w = await startWorker(f.configFile);
    running.worker(w);
    // Two AllocateSector calls answered: the thread has asked with the hot config in effect (it is read before
    // the first one), and got nothing.
    const asked = /sealfarm_manager_rpc_duration_ms_count\{method="Venus.AllocateSector"\} (\d+)/;
    await waitFor("two AllocateSector calls", async () => {
      const m = asked.exec(await (await fetch(`${f.manager.url}/metrics`)).text());
      return Number(m?.[1] ?? 0) >= 2 ? true : undefined;
    });
    assert.equal((await sectors(f.rpc)).length, 0, "no sector allocated for miner 4242");
    assert.match(w.log(), /hot config reloaded/);
    rmSync(hot);
    await waitFor("a sector Active after the hot file was removed", async () =>
      (await sectors(f.rpc)).some((s) => s.State === "Active") ? true : undefined,
    );
    assert.equal(readdirSync(store).includes("config.toml"), false);
  });

  it("refuses to start with an attached store the manager does not know, or a bad config", async () => {
    const farm = running.farm(await startFarm({ threads: 1 }));
    const bad = join(farm.dir, "bad.toml");
    writeFileSync(
      bad,
      stringify({
        sector_manager: { rpc_client: { addr: farm.manager.url } },
        sealing_thread: [{ location: join(farm.dir, "s9") }],
        attached: [{ name: "persist-9", location: join(farm.dir, "p9") }],
      }),
    );
    const r1 = await runSealfarm(["worker", "run", "--config", bad]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /attached store "persist-9" is not known to the manager/);
    writeFileSync(
      bad,
      `[sector_manager]\nrpc_client.addr = "${farm.manager.url}"\n[[sealing_thread]]\nlocation = "/tmp/x"\nsealing.max_retries = -1\n`,
    );
    const r2 = await runSealfarm(["worker", "run", "--config", bad]);
    assert.equal(r2.code, 1);
    assert.match(
      r2.stderr,
      /bad\.toml: sealing_thread\[0\]\.sealing\.max_retries: expected a number >= 0, got -1 \(a number\)/,
    );
    // Every plan damocles names starts: rebuild, unseal and snapup threads run side by side.
    writeFileSync(
      bad,
      stringify({
        worker: { rpc_server: { host: "127.0.0.1", port: 0 } },
        sector_manager: { rpc_client: { addr: farm.manager.url } },
        sealing_thread: [
          { location: join(farm.dir, "s1"), plan: "rebuild" },
          { location: join(farm.dir, "s2"), plan: "unseal" },
          { location: join(farm.dir, "s3"), plan: "snapup" },
        ],
        attached: [{ name: "persist-1", location: farm.persistDir }],
      }),
    );
    const w = await startWorker(bad);
    try {
      const { stdout } = await runSealfarm(["worker", "list", "--json", "--url", w.url]);
      const threads = JSON.parse(stdout) as Array<{ index: number; plan: string }>;
      assert.deepEqual(
        threads.map((t) => [t.index, t.plan]),
        [
          [0, "rebuild"],
          [1, "unseal"],
          [2, "snapup"],
        ],
      );
    } finally {
      await w.stop();
    }
  });
});
