// A forged manager (a loopback HTTP server answering the reply: AllocateSector's `ID.Number` as the string
// "../x") cannot make the real worker create or delete anything outside its store: the reply is checked against
// AllocateSector's shape before any path is built, and the thread pauses naming the method, the key and the value.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { stringify } from "smol-toml";
import { startWorker, type WorkerProcess, waitFor } from "./harness.js";

/** Every file and directory under `root`, relative to it, sorted. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      out.push(relative(root, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

/** A manager that answers what the worker needs to start, and `forged` for AllocateSector. Records every call. */
async function forgedManager(forged: unknown): Promise<{ server: Server; url: string; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      const call = JSON.parse(body) as { id: number; method: string };
      calls.push(call.method);
      const results: Record<string, unknown> = {
        "Venus.StoreBasicInfo": {
          Name: "persist-1",
          Path: "/p",
          Strict: false,
          ReadOnly: false,
          Weight: 1,
          Meta: null,
        },
        "Venus.AllocateSector": forged,
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result: results[call.method] ?? null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

describe("a forged manager reply", () => {
  const dirs: string[] = [];
  const workers: WorkerProcess[] = [];
  const servers: Server[] = [];
  after(async () => {
    for (const w of workers) await w.stop();
    for (const s of servers) await new Promise((r) => s.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const number of ["../x", "../../../../../../x", 1.5, -1]) {
    it(`AllocateSector with ID.Number ${JSON.stringify(number)} pauses the thread; nothing is created outside its store`, async () => {
      const root = mkdtempSync(join(tmpdir(), "sealfarm-forged-"));
      dirs.push(root);
      const manager = await forgedManager({ ID: { Miner: 1000, Number: number }, ProofType: 5 });
      servers.push(manager.server);
      const store = join(root, "farm", "store0");
      const persist = join(root, "farm", "persist-1");
      mkdirSync(persist, { recursive: true });
      const configFile = join(root, "farm", "worker.toml");
      writeFileSync(
        configFile,
        stringify({
          worker: { name: "forged-test", rpc_server: { host: "127.0.0.1", port: 0 }, ping_interval: "1s" },
          sector_manager: { rpc_client: { addr: manager.url } },
          sealing: { allowed_sizes: ["2KiB"], seal_interval: "100ms", recover_interval: "100ms" },
          sealing_thread: [{ location: store }],
          attached: [{ name: "persist-1", location: persist }],
        }),
      );
      const worker = await startWorker(configFile);
      workers.push(worker);
      // Paused is a state that stays: the log line is the record of it.
      const line = await waitFor("the thread to pause", () =>
        worker
          .log()
          .split("\n")
          .find((l) => l.includes("paused:")),
      );
      assert.match(
        line,
        new RegExp(
          `permanent: Venus\\.AllocateSector: reply refused: /ID/Number: expected an unsigned integer, got ${typeof number === "string" ? "a string" : "number"} ${JSON.stringify(JSON.stringify(number)).slice(1, -1).replace(/[.]/g, "\\.")}`,
        ),
      );
      assert.ok(manager.calls.includes("Venus.AllocateSector"));
      // The store holds only what init creates and an Empty record; nothing was prepared or appeared beside it.
      assert.deepEqual(tree(store), [".holder", "data", "meta", "meta/sector.json"]);
      const record = JSON.parse(readFileSync(join(store, "meta", "sector.json"), "utf8")) as Record<string, unknown>;
      assert.equal(record.state, "Empty");
      assert.equal(record.allocated ?? null, null);
      assert.deepEqual(tree(root), [
        "farm",
        "farm/persist-1",
        "farm/store0",
        ...tree(store).map((p) => `farm/store0/${p}`),
        "farm/worker.toml",
      ]);
      await worker.stop();
    });
  }
});
