import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createToken } from "../../../components/core/auth/tokens.js";
import { loadOrCreateSecret, SecretSource } from "../../shared/auth/secret-file.js";
import { trustedList } from "../../shared/auth/trusted-addresses.js";
import { RpcError } from "../../shared/rpc/index.js";
import { callWorker, defaultWorkerRpcSecurity, startWorkerRpcServer, type WorkerRpcHandlers } from "./worker-rpc.js";

const calls: string[] = [];
const handlers: WorkerRpcHandlers = {
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
};
const server = await startWorkerRpcServer("127.0.0.1", 0, handlers);
after(() => server.close());

async function postRaw(url: string, body: string, token?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: "POST", body, headers });
  return { status: res.status, json: JSON.parse(await res.text()) };
}

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

describe("worker RPC under attack (issue 15)", () => {
  it("an 800 KB body nested deep in `jsonrpc` gets a JSON-RPC error and the worker keeps answering", async () => {
    const depth = 400_000;
    const body = `{"jsonrpc":${"[".repeat(depth)}${"]".repeat(depth)},"method":"VenusWorker.WorkerList","id":1}`;
    const r = await postRaw(server.url, body);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "invalid request: nested deeper than 32 levels" },
    });
    assert.equal(await callWorker(server.url, "VenusWorker.WorkerVersion", []), "v0.1.0-sealfarm");
  });

  it("constructor, toString and other prototype names are not methods", async () => {
    for (const method of ["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty"]) {
      const r = await postRaw(server.url, JSON.stringify({ jsonrpc: "2.0", method, params: [], id: 2 }));
      assert.equal((r.json as { error: { code: number } }).error.code, -32601, method);
    }
  });

  it("state-changing calls need a write token off the trusted addresses; reads stay open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealfarm-worker-rpc-"));
    const secretFile = join(dir, "worker.secret");
    const secret = loadOrCreateSecret(secretFile);
    // Nothing is trusted here, so the test's loopback calls are "from outside".
    const guarded = await startWorkerRpcServer("127.0.0.1", 0, handlers, {
      ...defaultWorkerRpcSecurity(),
      secret: new SecretSource(secretFile),
      trusted: trustedList([]),
      openMetrics: false,
    });
    try {
      const before = calls.length;
      await assert.rejects(callWorker(guarded.url, "VenusWorker.WorkerPause", [0]), (e: unknown) => {
        assert.ok(e instanceof RpcError);
        assert.equal(e.code, 401);
        assert.match(e.message, /changes the worker's state: .*sealfarm worker token create --perm write/);
        return true;
      });
      await assert.rejects(
        callWorker(guarded.url, "VenusWorker.WorkerSetEnv", ["FIL_PROOFS_X", "1"], {
          token: createToken(secret, "write"),
        }),
        /--perm admin/,
      );
      await assert.rejects(
        callWorker(guarded.url, "VenusWorker.WorkerResume", [0, null], { token: createToken(secret, "read") }),
        /--perm write/,
      );
      assert.equal(calls.length, before, "no refused call reached the handlers");
      assert.equal(
        await callWorker(guarded.url, "VenusWorker.WorkerPause", [0], { token: createToken(secret, "write") }),
        true,
      );
      await assert.rejects(
        callWorker(guarded.url, "VenusWorker.WorkerPause", [0], {
          token: createToken(secret, "write", { expiresAtMs: Date.now() - 1 }),
        }),
        /the token does not verify/,
      );
      assert.equal(((await callWorker(guarded.url, "VenusWorker.WorkerList", [])) as unknown[]).length, 1);
      assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401);
      const withToken = await fetch(`${guarded.url}/metrics`, {
        headers: { authorization: `Bearer ${createToken(secret, "read")}` },
      });
      assert.equal(withToken.status, 200);
    } finally {
      await guarded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
