import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RpcError } from "../../shared/rpc/index.js";
import { callWorker, startWorkerRpcServer } from "./worker-rpc.js";

const calls: string[] = [];
const server = await startWorkerRpcServer("127.0.0.1", 0, {
  list: () => [
    {
      location: "/s0",
      plan: "sealer",
      job_id: "s-t01000-1",
      index: 0,
      thread_state: { state: "Running", elapsed: 3, proc: "ext(pid: 42)" },
      job_state: "TicketAssigned",
      job_stage: "PC1",
      last_error: null,
    },
  ],
  pause: (i) => {
    calls.push(`pause ${i}`);
    return i === 0;
  },
  resume: (i, s) => {
    calls.push(`resume ${i} ${s}`);
    return true;
  },
  version: () => "v0.1.0-sealfarm",
  metrics: () => "sealfarm_worker_threads 1\n",
});
after(() => server.close());

describe("worker RPC (VenusWorker.*)", () => {
  it("serves list, pause, resume and version over HTTP JSON-RPC", async () => {
    const list = (await callWorker(server.url, "VenusWorker.WorkerList", [])) as Array<{ job_stage: string }>;
    assert.equal(list[0]?.job_stage, "PC1");
    assert.equal(await callWorker(server.url, "VenusWorker.WorkerPause", [0]), true);
    assert.equal(await callWorker(server.url, "VenusWorker.WorkerPause", [5]), false);
    assert.equal(await callWorker(server.url, "VenusWorker.WorkerResume", [0, "TreeDBuilt"]), true);
    assert.equal(await callWorker(server.url, "VenusWorker.WorkerResume", [0, null]), true);
    assert.equal(await callWorker(server.url, "VenusWorker.WorkerVersion", []), "v0.1.0-sealfarm");
    assert.deepEqual(calls, ["pause 0", "pause 5", "resume 0 TreeDBuilt", "resume 0 null"]);
  });
  it("rejects bad params and unknown methods with JSON-RPC errors", async () => {
    await assert.rejects(callWorker(server.url, "VenusWorker.WorkerPause", ["one"]), (e: unknown) => {
      return e instanceof RpcError && e.code === -32602 && /params\[0\]: expected a thread index/.test(e.message);
    });
    await assert.rejects(
      callWorker(server.url, "VenusWorker.Nope", []),
      (e: unknown) => e instanceof RpcError && e.code === -32601,
    );
  });
  it("serves /metrics and says clearly when nothing listens", async () => {
    assert.equal(await (await fetch(`${server.url}/metrics`)).text(), "sealfarm_worker_threads 1\n");
    await assert.rejects(
      callWorker("http://127.0.0.1:1", "VenusWorker.WorkerList", []),
      /cannot reach the worker at http:\/\/127\.0\.0\.1:1/,
    );
  });
});
