// Persisting through `[[processors.transfer]]` with the real manager and processors: (a) the real sealfarm-proofs
// `processor transfer --disable_link`, (b) a custom node processor that records the task it got (damocles' JSON shape:
// stores with meta, routes with store_name and opt) and copies the files, (c) a custom processor answering `false`,
// which is a permanent failure: the thread pauses at PCLanded.
import assert from "node:assert/strict";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isPersistedCacheFile } from "../../../agent/worker/stages/sealing-steps.js";
import { sectorPaths } from "../../../agent/worker/store/sealing-store.js";
import { ProcessorGate } from "../../support/processor-gate.js";
import { scratchDir } from "../../support/scratch-dir.js";
import {
  activeSector,
  type Farm,
  type FarmOptions,
  recordedState,
  requireStages,
  sealStages,
  startFarm,
  startWorker,
  stoppedAfterEach,
  type WorkerProcess,
  waitFor,
  workerThreads,
} from "./harness.js";

await requireStages([...sealStages, "transfer"]);

const customProcessor = join(import.meta.dirname, "custom-transfer-processor.mjs");
const sector1 = { Miner: 1000, Number: 1 };

const recordDir = scratchDir("sealfarm-transfer-record-");

describe("persisting through [[processors.transfer]]", () => {
  const running = stoppedAfterEach();

  /** Seals sector 1 up to C1 (held), checks the persisted files equal the local ones, then waits for Active. */
  async function sealAndCompare(o: FarmOptions): Promise<{ f: Farm; w: WorkerProcess }> {
    const f = running.farm(await startFarm({ threads: 1, ...o }));
    // C1 held at the gate: the sector is persisted and submitted, its local files not yet finalized away.
    const gate = new ProcessorGate(join(f.dir, "gate"));
    gate.hold("c1");
    const w = running.worker(await startWorker(f.configFile, gate.env));
    const store = f.threadDirs[0] as string;
    await gate.held("c1");
    assert.equal(recordedState(store), "SeedAssigned");
    const local = sectorPaths(join(store, "data"), sector1);
    const persisted = sectorPaths(f.persistDir, sector1);
    const cacheFiles = readdirSync(local.cacheDir).filter(isPersistedCacheFile).sort();
    assert.ok(cacheFiles.includes("p_aux") && cacheFiles.includes("t_aux"), cacheFiles.join(","));
    assert.deepEqual(readdirSync(persisted.cacheDir).sort(), cacheFiles, "exactly the persisted cache files, no temp");
    for (const name of cacheFiles)
      assert.ok(readFileSync(join(persisted.cacheDir, name)).equals(readFileSync(join(local.cacheDir, name))), name);
    const sealed = readFileSync(persisted.sealed);
    assert.equal(sealed.length, 2048);
    assert.ok(sealed.equals(readFileSync(local.sealed)), "sealed file identical");
    assert.deepEqual(readdirSync(join(f.persistDir, "sealed")), ["s-t01000-1"]);
    gate.release("c1");
    await activeSector(f, 1);
    return { f, w };
  }

  it("(a) sealfarm-proofs processor transfer --disable_link copies the files into the store", async () => {
    const { f: farm, w } = await sealAndCompare({
      workerToml: { processors: { transfer: [{ args: ["processor", "transfer", "--disable_link"] }] } },
    });
    // The task went to the configured child: it runs under the worker with the entry's args.
    assert.ok(
      childArgv(w.child.pid as number).some((a) => a.slice(-3).join(" ") === "processor transfer --disable_link"),
      JSON.stringify(childArgv(w.child.pid as number)),
    );
    const persisted = sectorPaths(farm.persistDir, sector1);
    for (const f of [persisted.sealed, join(persisted.cacheDir, "p_aux")])
      assert.ok(lstatSync(f).isFile(), `${f} is a copy, not a link (--disable_link)`);
    const metrics = await (await fetch(`${w.url}/metrics`)).text();
    assert.match(
      metrics,
      /sealfarm_worker_stage_duration_seconds_count\{worker_name="it-worker",stage="transfer"\} [1-9]/,
    );
  });

  it("(b) a custom processor gets damocles' task shape, with the store's meta", async () => {
    const record = join(recordDir, "tasks.jsonl");
    const { f } = await sealAndCompare({
      persistMeta: { kind: "custom", bucket: "b-1" },
      workerToml: {
        processors: {
          transfer: [{ bin: process.execPath, args: [customProcessor], envs: { TRANSFER_RECORD: record } }],
        },
      },
    });
    const tasks = readFileSync(record, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const first = tasks[0] as {
      stores: Record<string, unknown>;
      routes: Array<{ src: unknown; dest: unknown; opt: unknown }>;
    };
    assert.deepEqual(first.stores, { "persist-1": { name: "persist-1", meta: { kind: "custom", bucket: "b-1" } } });
    const local = sectorPaths(join(f.threadDirs[0] as string, "data"), sector1);
    const persisted = sectorPaths(f.persistDir, sector1);
    const last = first.routes[first.routes.length - 1];
    assert.deepEqual(last, {
      src: { store_name: null, uri: local.sealed },
      dest: { store_name: "persist-1", uri: persisted.sealed },
      opt: { is_dir: false, allow_link: false },
    });
    const cacheRoutes = first.routes.slice(0, -1) as Array<{ src: { uri: string }; dest: { uri: string } }>;
    assert.deepEqual(
      cacheRoutes.map((r) => [r.src.uri, r.dest.uri]),
      readdirSync(persisted.cacheDir)
        .sort()
        .map((n) => [join(local.cacheDir, n), join(persisted.cacheDir, n)]),
    );
    assert.deepEqual(Object.keys(first), ["stores", "routes"]);
  });

  it("(c) a custom processor answering false fails the thread permanently (paused at PCLanded)", async () => {
    const record = join(recordDir, "tasks-false.jsonl");
    const f = await startFarm({
      threads: 1,
      workerToml: {
        processors: {
          transfer: [
            {
              bin: process.execPath,
              args: [customProcessor],
              envs: { TRANSFER_RECORD: record, TRANSFER_ANSWER: "false" },
            },
          ],
        },
      },
    });
    running.farm(f);
    const w = await startWorker(f.configFile);
    running.worker(w);
    const paused = await waitFor(
      "thread 0 paused with a permanent error",
      async () => {
        const t = (await workerThreads(w))[0];
        return t?.thread_state.state === "Paused" && t.last_error !== null ? t : undefined;
      },
      120_000,
    );
    assert.match(
      paused.last_error ?? "",
      /^permanent: s-t01000-1 PCLanded: persist into store "persist-1": transfer processor answered false/,
    );
    assert.equal(recordedState(f.threadDirs[0] as string), "PCLanded", "the sector stays where it failed");
    const timeline = (await f.rpc.callVenus("FindSector", [sector1])).Timeline;
    assert.ok(timeline.some((e) => e.FailureLevel === "Permanent" && e.Next === "PCLanded"));
    assert.equal(readFileSync(record, "utf8").trim().split("\n").length, 1, "one task, no retry");
  });
});

/** The argv of every direct child of `pid` (from /proc). */
function childArgv(pid: number): string[][] {
  const out: string[][] = [];
  for (const p of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid)
        out.push(
          readFileSync(`/proc/${p}/cmdline`, "utf8")
            .split("\0")
            .filter((a) => a !== ""),
        );
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}
