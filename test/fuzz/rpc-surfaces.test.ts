// RPC fuzzing of both surfaces, the manager's /rpc/v0 and the worker's /: seeded random requests (valid shapes
// with wrong values, prototype names, deep nesting, truncated or flipped bytes, non-UTF-8, huge strings, batches)
// against the real servers. Every reply must be a JSON-RPC envelope with HTTP 200, 400, 401 or 413 (never a 500,
// never a dropped connection, never "internal error"), and the server must still answer afterwards.
// Bounded: FUZZ_COUNT requests (default 400) or FUZZ_MS (default 15 s) per seed and surface, whichever comes first.
// Runs the fixed seed, then a random one; a failure names the seed (rerun with FUZZ_SEED=<seed>).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type RunningManager, startManager } from "../../agent/manager/manager.js";
import { methodTable } from "../../agent/manager/rpc/method-table.js";
import { parseResponse, RpcErrorCode } from "../../agent/shared/rpc/json-rpc.js";
import { startWorkerRpcServer } from "../../agent/worker/rpc/worker-rpc.js";
import { freshDatabase, type TestDatabase } from "../integration/manager/dialects.js";
import { seededRandom } from "../support/seeded-random.js";

const FIXED_SEED = 0x15a15a;
const COUNT = Number(process.env.FUZZ_COUNT ?? 400);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 15_000);
const SEEDS = process.env.FUZZ_SEED
  ? [Number(process.env.FUZZ_SEED)]
  : [FIXED_SEED, Math.floor(Math.random() * 0x7fffffff)];

const PROTOTYPE_NAMES = ["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty", "__defineGetter__"];
const KEYS = [
  "Miner",
  "Number",
  "ID",
  "Deals",
  "Piece",
  "Size",
  "Ticket",
  "Proof",
  "Worker",
  "Instance",
  "/",
  "__proto__",
  "constructor",
];

function fuzzer(seed: number, methods: readonly string[]) {
  const r = seededRandom(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const value = (depth: number): unknown => {
    switch (int(depth > 5 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return r() < 0.5;
      case 2:
        return pick([0, -1, 1, 2 ** 53, -(2 ** 63), 1e308, 0.5, 1000, 4294967296]);
      case 3:
        return pick([
          "",
          "a",
          "../../etc/passwd",
          "baga6ea4seaq",
          "\u0000",
          "é",
          "StackedDrg2KiBV1_1",
          "x".repeat(int(5000)),
        ]);
      case 4:
        return int(256);
      case 5:
        return String(int(1e6));
      case 6:
        return Array.from({ length: int(6) }, () => value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = int(5); i > 0; i--) o[pick(KEYS)] = value(depth + 1);
        return o;
      }
    }
  };
  const request = (): Buffer => {
    const method = r() < 0.75 ? pick(methods) : r() < 0.5 ? pick(PROTOTYPE_NAMES) : `Venus.${pick(PROTOTYPE_NAMES)}`;
    const params = Array.from({ length: int(4) }, () => value(0));
    const id = pick<unknown>([1, "x", null, 2 ** 60, {}, [], true]);
    const valid = JSON.stringify({ jsonrpc: pick(["2.0", "2.0", "1.0", 2]), method, params, id });
    switch (int(8)) {
      case 0: {
        // Nesting past the limit, in a random field.
        const d = 33 + int(3000);
        return Buffer.from(valid.replace('"params":', `"params":${"[".repeat(d)}${"]".repeat(d)},"x":`));
      }
      case 1:
        return Buffer.from(valid.slice(0, int(valid.length)));
      case 2: {
        const b = Buffer.from(valid);
        for (let i = int(4) + 1; i > 0; i--) b[int(b.length)] = int(256);
        return b;
      }
      case 3:
        return Buffer.from(`[${valid},${valid}]`);
      case 4:
        return Buffer.from(Array.from({ length: int(200) }, () => int(256)));
      default:
        return Buffer.from(valid);
    }
  };
  return request;
}

async function hammer(url: string, methods: readonly string[], seed: number, surface: string): Promise<number> {
  const next = fuzzer(seed, methods);
  const started = Date.now();
  let sent = 0;
  for (; sent < COUNT && Date.now() - started < BUDGET_MS; sent++) {
    const body = next();
    const where = `${surface}, seed ${seed} (FUZZ_SEED=${seed}), request ${sent}: ${body.subarray(0, 160).toString("latin1")}`;
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
    } catch (error) {
      assert.fail(`${where}: no reply (${error instanceof Error ? error.message : error})`);
    }
    const text = await res.text();
    assert.ok([200, 400, 401, 413].includes(res.status), `${where}: HTTP ${res.status} ${text.slice(0, 200)}`);
    const reply = parseResponse(text);
    if ("error" in reply) {
      assert.equal(typeof reply.error.code, "number", where);
      assert.notEqual(reply.error.code, RpcErrorCode.InternalError, `${where}: ${reply.error.message}`);
    }
  }
  return sent;
}

describe("RPC fuzzing", () => {
  let tdb: TestDatabase;
  let m: RunningManager;
  before(async () => {
    tdb = await freshDatabase("sqlite");
    writeFileSync(
      join(tdb.home, "manager.toml"),
      `listen = "127.0.0.1:0"\n[db]\nurl = "${tdb.url}"\n[chain]\nblock_time = "100ms"\n`,
    );
    m = await startManager({ home: tdb.home });
  });
  after(async () => {
    await m?.close();
    await tdb?.drop();
  });

  for (const seed of SEEDS) {
    test(`manager /rpc/v0, seed ${seed}`, async () => {
      const methods = Object.keys(methodTable).map((n) => `Venus.${n}`);
      const sent = await hammer(`${m.url}/rpc/v0`, methods, seed, "manager");
      assert.ok(sent > 0);
      assert.equal(await (await fetch(`${m.url}/healthcheck`)).text(), "ok\n");
    });

    test(`worker /, seed ${seed}`, async () => {
      const w = await startWorkerRpcServer("127.0.0.1", 0, {
        list: () => [],
        pause: () => false,
        resume: () => false,
        version: () => "fuzz",
        metrics: () => "",
      });
      const saved = { ...process.env };
      try {
        const methods = [
          "WorkerList",
          "WorkerPause",
          "WorkerResume",
          "WorkerVersion",
          "WorkerSetEnv",
          "WorkerRemoveEnv",
        ];
        const sent = await hammer(
          w.url,
          methods.map((n) => `VenusWorker.${n}`),
          seed,
          "worker",
        );
        assert.ok(sent > 0);
        const version = await fetch(w.url, {
          method: "POST",
          body: JSON.stringify({ jsonrpc: "2.0", method: "VenusWorker.WorkerVersion", params: [], id: 1 }),
        });
        assert.deepEqual(await version.json(), { jsonrpc: "2.0", id: 1, result: "fuzz" });
      } finally {
        await w.close();
        // WorkerSetEnv may have set random variables in this process.
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    });
  }
});
