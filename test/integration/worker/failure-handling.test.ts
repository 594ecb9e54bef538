// Failures with the real manager and the real processors: a processor killed mid-task (restarted, task retried),
// a manager outage (ridden out with temporary retries), a permanent error (thread pauses; `worker resume` goes on).
// A test gate holds PC1 or PC2 where the test needs the sector to be; what happened after is read from the
// manager's timeline, never caught in flight.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runSealfarm } from "../../support/child-process.js";
import { ProcessorGate } from "../../support/processor-gate.js";
import {
  activeSector,
  recordedState,
  reported,
  requireStages,
  startFarm,
  startWorker,
  stoppedAfterEach,
  waitFor,
  workerThreads,
} from "./harness.js";

await requireStages();

const sector1 = { Miner: 1000, Number: 1 };

describe("failure handling with the real manager and processors", () => {
  const running = stoppedAfterEach();

  it("restarts a processor killed mid-task and retries the task on the new child", async () => {
    const farm = running.farm(await startFarm({ threads: 1 }));
    const gate = new ProcessorGate(join(farm.dir, "gate"));
    gate.hold("pc1");
    const w = await startWorker(farm.configFile, gate.env);
    running.worker(w);
    await gate.held("pc1");
    const pid = await waitFor("PC1 running in a child", async () => {
      const t = (await workerThreads(w))[0];
      const m = /ext\(pid: (\d+)\)/.exec(t?.thread_state.proc ?? "");
      return t?.job_stage === "PC1" && t.thread_state.state === "Running" && m ? Number(m[1]) : undefined;
    });
    process.kill(pid, "SIGKILL");
    // The retried PC1 runs on the restarted child and the sector moves on (PC2 and later are not this test's concern).
    const timeline = await reported(farm.rpc, sector1, "PC1Done", "PC1 done after the retry");
    const temp = timeline.find((e) => e.FailureLevel === "Temporary");
    assert.match(
      temp?.FailureDesc ?? "",
      /child process exited: pc1/,
      JSON.stringify(timeline.filter((e) => e.FailureLevel)),
    );
    assert.equal(temp?.Next, "TicketAssigned", "the failure was in PC1 (state TicketAssigned)");
    assert.match(w.log(), /\[pc1\[0\]\] child process exited: pc1 \(SIGKILL\); restarting in 3000 ms/);
    const after = (await workerThreads(w))[0];
    assert.notEqual(after?.thread_state.state, "Paused");
    assert.equal(after?.last_error, null);
  });

  it("rides out a manager outage with temporary retries", async () => {
    const f = running.farm(await startFarm({ threads: 1, sealing: { max_retries: 40, recover_interval: "200ms" } }));
    // PC2 held: the sector sits in PC1Done while the manager goes away; released, its next call meets the outage.
    const gate = new ProcessorGate(join(f.dir, "gate"));
    gate.hold("pc2");
    const w = await startWorker(f.configFile, gate.env);
    running.worker(w);
    const store = f.threadDirs[0] as string;
    await gate.held("pc2");
    assert.equal(recordedState(store), "PC1Done");
    const n = (
      JSON.parse(readFileSync(join(store, "meta", "sector.json"), "utf8")) as { allocated: { ID: { Number: number } } }
    ).allocated.ID.Number;
    await f.stopManager();
    gate.release("pc2");
    // The outage lasts until the worker has met it (a retry logged), however long that takes on this machine.
    const retried = /temporary: s-t01000-\d+ \w+: Venus\.\w+: .*; retry \d+\/40/;
    await waitFor("a temporary retry during the outage", () => (retried.test(w.log()) ? true : undefined));
    await f.startManagerAgain();
    const s = await activeSector(f, n);
    assert.equal(s.AbortReason, null);
    assert.ok((await workerThreads(w)).every((t) => t.thread_state.state !== "Paused" && t.last_error === null));
  });

  it("pauses the thread on a permanent error, and worker resume --state continues it", async () => {
    const f = running.farm(await startFarm({ threads: 1 }));
    const store = f.threadDirs[0] as string;
    const gate = new ProcessorGate(join(f.dir, "gate"));
    gate.hold("pc1");
    const first = await startWorker(f.configFile, gate.env);
    await gate.held("pc1");
    assert.equal(recordedState(store), "TicketAssigned");
    await first.kill9();
    // The staged data vanishes while the agent is down (a wiped scratch disk): PC1 cannot run, a human must decide.
    rmSync(join(store, "data", "unsealed", "s-t01000-1"));
    const w = await startWorker(f.configFile, gate.env);
    running.worker(w);
    const paused = await waitFor("thread 0 paused with a permanent error", async () => {
      const t = (await workerThreads(w))[0];
      return t?.thread_state.state === "Paused" && t.last_error !== null ? t : undefined;
    });
    assert.match(paused.last_error ?? "", /^permanent: s-t01000-1 TicketAssigned: pc1: .*unsealed\/s-t01000-1/);
    assert.equal(recordedState(store), "TicketAssigned", "the sector stays where it failed");
    const pauseAgain = await runSealfarm(["worker", "pause", "--index", "0", "--url", w.url]);
    assert.equal(pauseAgain.code, 1, "an already paused thread is not paused again");
    const resumed = await runSealfarm(["worker", "resume", "--index", "0", "--state", "DealsAcquired", "--url", w.url]);
    assert.match(resumed.stdout, /thread 0: resumed at DealsAcquired/);
    // add_pieces rebuilds the staged file, and PC1 now succeeds.
    const timeline = await waitFor("PC1 done after the resume", async () => {
      const tl = (await f.rpc.callVenus("FindSector", [sector1])).Timeline;
      const failedAt = tl.findIndex((e) => e.FailureLevel === "Permanent");
      return failedAt >= 0 && tl.slice(failedAt + 1).some((e) => e.Next === "PC1Done") ? tl : undefined;
    });
    assert.ok(timeline.some((e) => e.FailureLevel === "Permanent" && e.Next === "TicketAssigned"));
    const resumedAt = timeline.findIndex((e) => e.FailureLevel === "Permanent");
    assert.ok(
      timeline.slice(resumedAt + 1).some((e) => e.Next === "PieceAdded"),
      "resumed at DealsAcquired: add_pieces ran again",
    );
    const t = (await workerThreads(w))[0];
    assert.equal(t?.last_error, null);
  });
});
