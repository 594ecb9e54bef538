// The manager against `sealfarm devnet run` as its own process ([chain] kind = "lotus", url, token_file), through
// a small proxy the test controls, so the moments that matter are made, not waited for:
//   1. a chain that answers HTTP 503 (the PreCommit push went through, its reply was lost, then the node kept
//      failing for a while) is waited out: one timeline entry per sector for the episode, the push retried with
//      the same MsgUuid, the sector lands once;
//   2. the devnet is SIGKILLed right after it stored a PreCommitSectorBatch2 push and before any later request could
//      include it (the proxy holds every other request), then restarted: the sectors land exactly once, are
//      proven with real 2 KiB seals and become Active. "Once" is read from the devnet's own state file.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DevnetState } from "../../../agent/manager/chain/devnet-server/devnet-state.js";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import { decodePreCommitSectorBatch2 } from "../../../agent/manager/chain/filecoin/miner-params.js";
import { messageFromJson } from "../../../agent/manager/chain/lotus/lotus-shapes.js";
import { type RunningManager, startManager } from "../../../agent/manager/manager.js";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { createVenusClient, type VenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { OnChainState, type SectorID, SubmitResult } from "../../../agent/shared/rpc/venus-types.js";
import { kill9, startDevnetProcess } from "../../support/child-process.js";
import { testConfig } from "../manager/dialects.js";
import { commitPhase, persist, precommitPhase } from "../manager/real-seal.js";
import { pollUntil, report } from "../manager/scripted-worker.js";

const bin = resolveProofsBin("");
const TOKEN = "manager-devnet-process-token-0123";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Reply = { status: number; body: string };
type Intercept = (method: string, params: unknown[], forward: () => Promise<Reply>) => Promise<Reply>;

/** A JSON-RPC proxy to the devnet; `intercept` decides per request (forward, answer something else, or both). */
async function startProxy(target: () => string, intercept: () => Intercept) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const parsed = JSON.parse(body) as { method: string; params: unknown[] };
      const forward = async (): Promise<Reply> => {
        try {
          const r = await fetch(target(), {
            method: "POST",
            headers: { "content-type": "application/json", authorization: req.headers.authorization ?? "" },
            body,
          });
          return { status: r.status, body: await r.text() };
        } catch (error) {
          return { status: 502, body: `devnet unreachable: ${(error as Error).message}` };
        }
      };
      const r = await intercept()(parsed.method.replace(/^Filecoin\./, ""), parsed.params, forward);
      res.writeHead(r.status, { "content-type": "application/json" });
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const isPreCommitPush = (method: string, params: unknown[]) =>
  method === "MpoolPushMessage" && messageFromJson(params[0]).method === MinerMethod.PreCommitSectorBatch2;

describe("the manager against the devnet as its own process", () => {
  const home = mkdtempSync(join(tmpdir(), "sealfarm-mgr-devnet-"));
  const chainDir = join(home, "chain");
  const tokenFile = join(home, "lotus.token");
  let devnet: { child: ChildProcess; url: string };
  let intercept: Intercept = (_m, _p, forward) => forward();
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let m: RunningManager;
  let c: VenusClient;
  let ready = false;

  const state = () => JSON.parse(readFileSync(join(chainDir, "devnet-state.json"), "utf8")) as DevnetState;

  before(async () => {
    ready = await hasSubcommand(bin, "verify-seal");
    if (!ready) return;
    writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
    devnet = await startDevnetProcess(chainDir, tokenFile, ["--block-time", "100ms"]);
    proxy = await startProxy(
      () => devnet.url,
      () => intercept,
    );
    m = await startManager({
      config: testConfig(home, `sqlite://${join(home, "manager.db")}`, {
        // The devnet's own defaults: a PreCommit's seed 10 epochs after it lands.
        chain: {
          kind: "lotus",
          url: proxy.url,
          token_file: "lotus.token",
          confidence: 1,
          precommit_challenge_delay: 10,
        },
        batching: { max_batch: 2, max_wait: "60s" },
      }),
    });
    c = createVenusClient({ url: m.url });
  });
  after(async () => {
    c?.close();
    await m?.close();
    await proxy?.close();
    if (devnet) await kill9(devnet.child);
    rmSync(home, { recursive: true, force: true });
  });

  /** Allocates `n` sectors and PreCommits them with real 2 KiB seals; they batch into one message. */
  async function precommit(n: number) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const sector = await c.callVenus("AllocateSector", [{ AllowedMiners: [1000], AllowedProofTypes: [5] }]);
      assert.ok(sector);
      const sid = sector.ID;
      await report(c, sid, "Empty", "Allocated");
      assert.equal(await c.callVenus("AcquireDeals", [sid, { MaxDeals: null, MinUsedSpace: null }]), null);
      const ticket = await c.callVenus("AssignTicket", [sid]);
      const sealed = await precommitPhase(bin, join(home, "work", String(sid.Number)), sid.Number, ticket.Ticket);
      out.push({ sector, sid, ticket, sealed });
    }
    for (const s of out) {
      const pc = await c.callVenus("SubmitPreCommit", [
        s.sector,
        { CommR: s.sealed.commR, CommD: s.sealed.commD, Ticket: s.ticket },
        false,
      ]);
      assert.equal(pc.Res, SubmitResult.Accepted, pc.Desc ?? "");
    }
    return out;
  }

  /** PreCommit landed → persisted → seed → real proof → Active. */
  async function prove(s: Awaited<ReturnType<typeof precommit>>[number]) {
    const landed = await pollUntil(() => c.callVenus("PollPreCommitState", [s.sid]));
    assert.equal(landed.State, OnChainState.Landed, landed.Desc ?? "");
    const store = await c.callVenus("StoreReserveSpace", [s.sid, 4096, ["persist-1"]]);
    assert.equal(store?.Name, "persist-1");
    persist(s.sealed, join(home, "persist-1"), `s-t01000-${s.sid.Number}`);
    assert.equal(await c.callVenus("SubmitPersistedEx", [s.sid, "persist-1", false]), true);
    let seed = null;
    while (seed === null) {
      const w = await c.callVenus("WaitSeed", [s.sid, 5]);
      seed = w.Seed;
      if (seed === null) await sleep(100);
    }
    const proof = await commitPhase(bin, s.sealed, s.sid.Number, s.ticket.Ticket, seed.Seed);
    assert.equal((await c.callVenus("SubmitProof", [s.sid, { Proof: proof }, false])).Res, SubmitResult.Accepted);
    const done = await pollUntil(() => c.callVenus("PollProofState", [s.sid]));
    assert.equal(done.State, OnChainState.Landed, done.Desc ?? "");
  }

  /** How many PreCommitSectorBatch2 messages the devnet holds for `sid`, and whether it is an active sector. */
  function onChain(sid: SectorID) {
    const s = state();
    const precommits = s.messages.filter((x) => {
      const msg = messageFromJson(x.message);
      return (
        msg.method === MinerMethod.PreCommitSectorBatch2 &&
        decodePreCommitSectorBatch2(msg.params).sectors.some((p) => p.sectorNumber === sid.Number)
      );
    });
    return { precommits: precommits.length, active: s.sectors[`f01000/${sid.Number}`] !== undefined };
  }

  test("HTTP 503s after a push are waited out: one timeline entry for the episode, the sector lands once", {
    timeout: 600_000,
  }, async () => {
    assert.ok(ready, "sealfarm-proofs lacks verify-seal (run `npm run build:native`)");
    let failing = 0;
    let lost = false;
    intercept = async (method, params, forward) => {
      if (isPreCommitPush(method, params) && !lost) {
        await forward(); // the devnet stores it; the manager never hears so
        lost = true;
        failing = 6;
        return { status: 503, body: "service unavailable" };
      }
      if (failing > 0) {
        failing--;
        return { status: 503, body: "service unavailable" };
      }
      return forward();
    };
    for (const { sid } of await precommit(2)) {
      const landed = await pollUntil(() => c.callVenus("PollPreCommitState", [sid]));
      assert.equal(landed.State, OnChainState.Landed, landed.Desc ?? "");
      assert.deepEqual(onChain(sid), { precommits: 1, active: false });
      const timeline = (await c.callVenus("FindSector", [sid])).Timeline.map((e) => e.Event);
      assert.equal(
        timeline.filter((e) => /waiting for the chain: .*HTTP 503/.test(e)).length,
        1,
        `one entry per episode: ${timeline.join(" | ")}`,
      );
      assert.ok(timeline.some((e) => /^PreCommitSectorBatch2 \S+ pushed \(2 sectors/.test(e)));
      assert.ok(timeline.some((e) => /^PreCommitSectorBatch2 \S+ landed at epoch \d+/.test(e)));
    }
    const records = (await c.callVenus("ListMessages", [])).filter((x) => x.Kind === "precommit");
    assert.equal(records.length, 1);
    assert.equal(records[0]?.State, "landed");
    assert.equal(records[0]?.ExitCode, 0);
    assert.equal(records[0]?.Waiting, null);
  });

  test("SIGKILL of the devnet after a PreCommit push, before its inclusion: every sector lands exactly once", {
    timeout: 600_000,
  }, async () => {
    assert.ok(ready, "sealfarm-proofs lacks verify-seal (run `npm run build:native`)");
    let killedWith: DevnetState["messages"] | undefined;
    let restarting: Promise<void> | undefined;
    intercept = async (method, params, forward) => {
      if (restarting !== undefined) return { status: 502, body: "devnet restarting" };
      if (!(isPreCommitPush(method, params) && killedWith === undefined)) return forward();
      const reply = await forward();
      // Stored and fsynced before it answered; nothing else reaches it before the kill, so nothing includes it.
      restarting = (async () => {
        await kill9(devnet.child);
        killedWith = state().messages;
        devnet = await startDevnetProcess(chainDir, tokenFile, ["--block-time", "100ms"]);
      })();
      await restarting;
      restarting = undefined;
      assert.equal(reply.status, 200);
      return { status: 502, body: "the reply was lost with the node" };
    };
    const sectors = await precommit(2);
    for (const s of sectors) await prove(s);
    assert.ok(killedWith, "the devnet was killed");
    const pushed = killedWith.filter((x) => messageFromJson(x.message).method === MinerMethod.PreCommitSectorBatch2);
    assert.equal(pushed.at(-1)?.receipt, null, "killed after the push, before the message was included");
    for (const s of sectors) assert.deepEqual(onChain(s.sid), { precommits: 1, active: true });
    const active = await c.callVenus("ListSectors", [null]);
    for (const s of sectors)
      assert.ok(active.some((x) => x.ID.Number === s.sid.Number && ["Active", "Faulty"].includes(x.State)));
  });
});
