// The snapup handlers against a scripted manager on loopback: what each allocation reply and each SubmitSnapUpProof
// result leads to, and the failures they classify before any processor runs (access store, missing fields).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bareProcessorPool, failureOf, testStageDeps } from "../../../test/support/stage-deps.js";
import { type AllocatedSnapUpSector, createVenusClient, type VenusClient } from "../../shared/rpc/index.js";
import { emptySnapUpSector, type SnapUpRecord } from "../planner/sector.js";
import { SealingStore } from "../store/sealing-store.js";
import { execSnapUp } from "./snapup-handlers.js";
import type { StageDeps } from "./stage-deps.js";

const dir = mkdtempSync(join(tmpdir(), "sealfarm-snapup-handlers-"));
/** Method → the reply the scripted manager gives (a `{error}` object answers a JSON-RPC error). */
const replies = new Map<string, unknown>();
const calls: Array<{ method: string; params: unknown[] }> = [];
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    const r = JSON.parse(body) as { id: number; method: string; params: unknown[] };
    const method = r.method.replace(/^Venus\./, "");
    calls.push({ method, params: r.params });
    const reply = replies.get(method);
    const out =
      reply !== null && typeof reply === "object" && "error" in reply
        ? { jsonrpc: "2.0", id: r.id, error: { code: 1, message: String(reply.error) } }
        : { jsonrpc: "2.0", id: r.id, result: reply ?? null };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
  });
});
let rpc: VenusClient;
let deps: StageDeps;
const pool = bareProcessorPool();
const store = new SealingStore(join(dir, "store"));
const persist = join(dir, "persist-1");

before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rpc = createVenusClient({ url, timeoutMs: 5000 });
  store.init();
  deps = testStageDeps({ rpc, pool, store, persistDir: persist, sealing: { maxDeals: 2 } }, { managerUrl: url });
});
after(async () => {
  rpc.close();
  await pool.stop();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const sector = { ID: { Miner: 1000, Number: 9 }, ProofType: 5 };
const deal = {
  Piece: { Size: 2048, PieceCID: { "/": "baga6ea4seaqdeal" } },
  DealInfo: {
    DealID: 7,
    PublishCid: null,
    AllocationID: 0,
    PieceCID: { "/": "baga6ea4seaqdeal" },
    PieceSize: 2048,
    Client: "",
    Provider: "",
    Offset: 0,
    Length: 2048,
    PayloadSize: 1000,
    StartEpoch: 0,
    EndEpoch: 0,
    IsBuiltinMarket: true,
    IsCompatible: true,
  },
};
const allocated = (over: Partial<AllocatedSnapUpSector> = {}): AllocatedSnapUpSector =>
  ({
    Sector: sector,
    Pieces: [deal],
    Public: { CommR: Array(32).fill(3), SealedCID: { "/": "bagboea4b5abc" }, Activation: 1, Expiration: 0 },
    Private: { AccessInstance: "persist-1" },
    ...over,
  }) as AllocatedSnapUpSector;
const at = (state: SnapUpRecord["state"], over: Partial<SnapUpRecord["phases"]> = {}): SnapUpRecord => {
  const base = emptySnapUpSector();
  return {
    ...base,
    state,
    allocated: sector,
    deals: [deal] as SnapUpRecord["deals"],
    phases: { ...base.phases, snapIn: allocated(), ...over },
  };
};

describe("snapup handlers", () => {
  it("asks AllocateSanpUpSector with the thread's spec; null or an error means Idle", async () => {
    replies.set("AllocateSanpUpSector", null);
    calls.length = 0;
    assert.deepEqual(await execSnapUp("Empty", emptySnapUpSector(), deps), { kind: "Idle" });
    assert.deepEqual(calls[0], {
      method: "AllocateSanpUpSector",
      params: [{ Sector: { AllowedMiners: [], AllowedProofTypes: [] }, Deals: { MaxDeals: 2, MinUsedSpace: null } }],
    });
    replies.set("AllocateSanpUpSector", { error: "boom" });
    assert.deepEqual(await execSnapUp("Empty", emptySnapUpSector(), deps), { kind: "Idle" });
  });

  it("takes an allocation with its deals and access instance, and aborts one without either", async () => {
    replies.set("AllocateSanpUpSector", allocated());
    assert.deepEqual(await execSnapUp("Empty", emptySnapUpSector(), deps), {
      kind: "AllocatedSnapUpSector",
      info: allocated(),
    });
    replies.set("AllocateSanpUpSector", allocated({ Pieces: [] }));
    assert.deepEqual(await failureOf(execSnapUp("Empty", emptySnapUpSector(), deps)), [
      "abort",
      "AllocateSanpUpSector: deals required, got none",
    ]);
    replies.set("AllocateSanpUpSector", allocated({ Private: { AccessInstance: "" } }));
    assert.deepEqual(await failureOf(execSnapUp("Empty", emptySnapUpSector(), deps)), [
      "abort",
      "AllocateSanpUpSector: access instance required, got empty",
    ]);
  });

  it("reading the old replica: an unknown or unattached access store, or one without p_aux, is permanent", async () => {
    replies.set("StoreBasicInfo", null);
    assert.match(
      (await failureOf(execSnapUp("TreeDBuilt", at("TreeDBuilt"), deps))).join(" "),
      /^permanent .*does not know store "persist-1"/,
    );
    replies.set("StoreBasicInfo", { Name: "other", Path: "/x", Strict: false, ReadOnly: false, Weight: 1, Meta: null });
    const elsewhere = at("TreeDBuilt", { snapIn: allocated({ Private: { AccessInstance: "other" } }) });
    assert.match(
      (await failureOf(execSnapUp("TreeDBuilt", elsewhere, deps))).join(" "),
      /^permanent .*persisted in store "other", which is not attached here/,
    );
    mkdirSync(join(persist, "cache", "s-t01000-9"), { recursive: true });
    mkdirSync(join(persist, "sealed"), { recursive: true });
    writeFileSync(join(persist, "sealed", "s-t01000-9"), "");
    assert.match(
      (await failureOf(execSnapUp("TreeDBuilt", at("TreeDBuilt"), deps))).join(" "),
      /^permanent .*has no p_aux/,
    );
  });

  it("maps each SubmitSnapUpProof result as damocles does, sending the new commitments and the proof", async () => {
    const done = at("Persisted", {
      snapEncodeOut: {
        comm_r_new: Array(32).fill(5),
        comm_r_last_new: Array(32).fill(6),
        comm_d_new: Array(32).fill(4),
      },
      snapProof: [1, 2, 3],
      persistInstance: "persist-1",
    });
    const results: Array<[number, unknown]> = [
      [1, { kind: "Finish" }],
      [2, { kind: "Finish" }],
      [5, { kind: "RePersist" }],
    ];
    for (const [res, want] of results) {
      replies.set("SubmitSnapUpProof", { Res: res, Desc: null });
      calls.length = 0;
      assert.deepEqual(await execSnapUp("Persisted", done, deps), want);
      assert.deepEqual(calls[0]?.params, [
        sector.ID,
        {
          CommR: Array(32).fill(5),
          CommD: Array(32).fill(4),
          AccessInstance: "persist-1",
          Pieces: [{ "/": "baga6ea4seaqdeal" }],
          Proof: Buffer.from([1, 2, 3]).toString("base64"),
        },
      ]);
    }
    replies.set("SubmitSnapUpProof", { Res: 3, Desc: "other comm_r" });
    assert.deepEqual((await failureOf(execSnapUp("Persisted", done, deps)))[0], "abort");
    replies.set("SubmitSnapUpProof", { Res: 4, Desc: "invalid proof" });
    assert.deepEqual(await failureOf(execSnapUp("Persisted", done, deps)), [
      "abort",
      "SubmitSnapUpProof rejected: invalid proof",
    ]);
  });

  it("names a missing field, and has no handler for terminal states", async () => {
    assert.deepEqual(await failureOf(execSnapUp("SnapEncoded", at("SnapEncoded"), deps)), [
      "abort",
      "field phases.snapEncodeOut is required",
    ]);
    assert.equal((await failureOf(execSnapUp("Finished", at("Finished"), deps)))[0], "critical");
  });
});
