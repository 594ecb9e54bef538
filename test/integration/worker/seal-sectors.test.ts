// Real manager + real agent + real sealfarm-proofs processors: CC sectors from Empty to Finished (the agent) and
// Active (the manager), with the worker CLI on top.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { sealerStates } from "../../../agent/worker/planner/sealer.js";
import {
  type Farm,
  reported,
  requireStages,
  sealfarmBin,
  sectors,
  startFarm,
  startWorker,
  type WorkerProcess,
  waitFor,
} from "./harness.js";

const run = promisify(execFile);
await requireStages();

describe("worker agent seals CC sectors end to end", () => {
  let farm: Farm;
  let worker: WorkerProcess;
  before(async () => {
    farm = await startFarm({ threads: 2, sealing: { verify_after_pc2: true } });
    worker = await startWorker(farm.configFile);
  });
  after(async () => {
    await worker?.stop();
    await farm?.close();
  });

  it("takes sectors from Empty to Finished on the worker and Active on the manager", async () => {
    const active = await waitFor("3 Active sectors", async () => {
      const s = await sectors(farm.rpc);
      const done = s.filter((x) => x.State === "Active");
      return done.length >= 3 ? done : undefined;
    });
    for (const s of active) {
      assert.equal(s.Worker, "it-worker");
      const name = `s-t0${s.ID.Miner}-${s.ID.Number}`;
      assert.ok(existsSync(join(farm.persistDir, "sealed", name)), `${name} sealed file persisted`);
      const cache = readdirSync(join(farm.persistDir, "cache", name));
      assert.ok(cache.includes("p_aux") && cache.includes("t_aux"), `${name} cache persisted: ${cache.join(",")}`);
      assert.ok(
        cache.some((f) => f.startsWith("sc-02-data-tree-r-last")),
        `${name} tree_r_last persisted`,
      );
    }
    // A finished sector leaves no local state behind (finalize wipes data/ and the record).
    // The chain can make the sector Active before the worker's ReportState(ProofSubmitted) reaches the manager
    // (SubmitProof returns first, the report follows), so wait for that report instead of reading once.
    const nexts = (await reported(farm.rpc, active[0]?.ID ?? { Miner: 0, Number: 0 }, "ProofSubmitted")).map(
      (t) => t.Next,
    );
    // Every state of the sealer plan from Allocated to ProofSubmitted, as its table orders them.
    for (const st of sealerStates.slice(sealerStates.indexOf("Allocated"), sealerStates.indexOf("ProofSubmitted") + 1))
      assert.ok(nexts.includes(st), `ReportState reached ${st}: ${nexts.join(" ")}`);
  });

  it("lists threads over the worker RPC, as a table and as JSON", async () => {
    const { stdout } = await run(process.execPath, [sealfarmBin, "worker", "list", "--json", "--url", worker.url]);
    const threads = JSON.parse(stdout) as Array<{
      index: number;
      plan: string;
      location: string;
      thread_state: { state: string };
    }>;
    assert.deepEqual(
      threads.map((t) => [t.index, t.plan, t.location]),
      farm.threadDirs.map((d, i) => [i, "sealer", d]),
    );
    for (const t of threads) assert.ok(["Idle", "Running", "Waiting"].includes(t.thread_state.state));
    const table = await run(process.execPath, [sealfarmBin, "worker", "list", "--url", worker.url]);
    assert.match(table.stdout, /^#\s+plan\s+thread\s+elapsed/);
    assert.match(table.stdout, /\n0\s+sealer\s+/);
  });

  it("reports a Dest the manager can reach: the bound address and the port actually bound, never 0.0.0.0", async () => {
    // The first WorkerPing is sent at start; the registry row it writes stays, so waiting for it cannot race.
    const pings = await waitFor("the worker's first ping", async () => {
      const list = await farm.rpc.callVenus("WorkerPingInfoList", []);
      return list.length > 0 ? list : undefined;
    });
    assert.equal(pings[0]?.Info.Name, "it-worker");
    assert.equal(pings[0]?.Info.Dest, worker.url.replace(/^http:\/\//, ""));
    assert.match(pings[0]?.Info.Dest ?? "", /^127\.0\.0\.1:\d+$/);
    assert.notEqual(pings[0]?.Info.Dest, "127.0.0.1:0");
  });

  it("serves /metrics with per-stage durations and threads by state", async () => {
    const text = await (await fetch(`${worker.url}/metrics`)).text();
    for (const stage of ["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2", "transfer"])
      assert.match(
        text,
        new RegExp(`sealfarm_worker_stage_duration_seconds_count\\{worker_name="it-worker",stage="${stage}"\\} [1-9]`),
      );
    assert.match(text, /sealfarm_worker_threads\{worker_name="it-worker",state="Idle"\} \d/);
    // verify_after_pc2: every PC2 is followed by a self-check C1 (zero seed), so C1 runs about twice per sector.
    const count = (stage: string) =>
      Number(
        new RegExp(`stage_duration_seconds_count\\{worker_name="it-worker",stage="${stage}"\\} (\\d+)`).exec(text)?.[1],
      );
    assert.ok(
      count("c1") >= count("c2") + count("pc2") - 2,
      `c1 ${count("c1")}, pc2 ${count("pc2")}, c2 ${count("c2")}`,
    );
    assert.match(text, /sealfarm_worker_events_total\{worker_name="it-worker",event="finished"\} [1-9]/);
  });
});
