// A chain that misbehaves, as the manager's tests will use it: the devnet server with its test hooks (in this
// process, then as `sealfarm devnet run --test-hooks`), driven through the real Lotus client. HTTP 5xx, a hang past
// the client's timeout and a reply lost after the push was stored are temporary ChainErrors; a dropped message
// never lands; a reorg moves a landed message to a later epoch. The clock is held with DevnetHoldClock.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type DevnetServer, startDevnetServer } from "../../../agent/manager/chain/devnet-server/devnet-server.js";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import { encodePreCommitSectorBatch2 } from "../../../agent/manager/chain/filecoin/miner-params.js";
import { createLotusClient, type LotusClient } from "../../../agent/manager/chain/lotus/lotus-client.js";
import { toJson } from "../../../agent/manager/chain/lotus/lotus-json.js";
import { resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { scratchDir } from "../../support/scratch-dir.js";
import { ccPreCommit, chainFailure, MINER, minerMessage, WORKER } from "./held-devnet.js";

const dir = scratchDir("sealfarm-devnet-misbehaves-");
const proofsBin = resolveProofsBin("");

/** A PreCommit message of CC sector `n`. */
function preCommit(n: number, ticketEpoch: number) {
  const batch = encodePreCommitSectorBatch2({ sectors: [ccPreCommit(n, ticketEpoch)] });
  return minerMessage(MinerMethod.PreCommitSectorBatch2, batch, 10n ** 16n);
}

test("a devnet without test hooks does not serve them", async () => {
  const server = await startDevnetServer({ dir: join(dir, "plain"), proofsBin });
  const c = createLotusClient({ url: server.url });
  try {
    const e = await chainFailure(c.call("DevnetMisbehave", [{ Status: 503 }]));
    assert.equal(e.kind, "permanent");
    assert.match(e.message, /no such method/);
  } finally {
    c.close();
    await server.close();
  }
});

test("5xx, hangs, lost replies, dropped messages and reorgs, through the Lotus client", async () => {
  const server: DevnetServer = await startDevnetServer({ dir: join(dir, "hooks"), proofsBin, testHooks: true });
  const c = createLotusClient({ url: server.url, timeoutMs: 500 });
  const hold = (epoch: number) => c.call("DevnetHoldClock", [epoch]);
  const push = (m: ReturnType<typeof preCommit>, uuid: string) => c.mpoolPushMessage(m, { maxFee: 0n, msgUuid: uuid });
  try {
    await hold(10);
    assert.equal((await c.chainHead()).height, 10);
    const back = await chainFailure(hold(9));
    assert.match(back.message, /an epoch ≥ the head 10/);

    // Two ChainHeads answered 503 (other methods are not affected), then normal again.
    await c.call("DevnetMisbehave", [{ Status: 503, Count: 2, Methods: ["Filecoin.ChainHead"] }]);
    assert.equal(await c.stateNetworkVersion(), 23);
    for (let i = 0; i < 2; i++) {
      const e = await chainFailure(c.chainHead());
      assert.equal(e.kind, "temporary");
      assert.match(e.message, /answered HTTP 503/);
    }
    assert.equal((await c.chainHead()).height, 10);

    // A node that never answers: the client gives up after its timeout, temporary.
    await c.call("DevnetMisbehave", [{ Hang: true }]);
    const slow = await chainFailure(c.stateNetworkVersion());
    assert.equal(slow.kind, "temporary");
    assert.match(slow.message, /no reply from .* within 500 ms/);

    // The push is stored, then its reply is lost (502): pushed again with the same MsgUuid it is the same message.
    await c.call("DevnetMisbehave", [{ Status: 502, AfterCall: true, Methods: ["Filecoin.MpoolPushMessage"] }]);
    const uuid = randomUUID();
    const lost = await chainFailure(push(preCommit(1, 9), uuid));
    assert.equal(lost.kind, "temporary");
    const again = await push(preCommit(1, 9), uuid);
    assert.equal(server.state().messages.filter((m) => m.uuid === uuid).length, 1);
    assert.equal(server.state().messages[0]?.cid, again.cid.toString());

    // Dropped before it lands: it never does, and its MsgUuid still answers the dropped message (as Lotus' message
    // store does), so only a push with a new MsgUuid gets the sector on chain.
    await c.call("DevnetDropMessage", [toJson.cid(again.cid)]);
    await hold(13);
    assert.equal(await c.stateSearchMsg(again.cid), null);
    assert.equal(await c.stateSectorPreCommitInfo(MINER, 1), null);
    assert.equal((await push(preCommit(1, 9), uuid)).cid.toString(), again.cid.toString());
    const fresh = await push(preCommit(1, 12), randomUUID());
    assert.notEqual(fresh.cid.toString(), again.cid.toString());
    await hold(14);
    const landed = await c.stateSearchMsg(fresh.cid);
    assert.deepEqual([landed?.exitCode, landed?.height], [0, 14]);
    assert.equal((await c.stateSectorPreCommitInfo(MINER, 1))?.preCommitEpoch, 14);
    const gone = await chainFailure(c.call("DevnetDropMessage", [toJson.cid(fresh.cid)]));
    assert.match(gone.message, /a message that has not landed yet/);

    // A reorg: the landed PreCommit is taken out of epoch 14 and lands at 16 instead; until then it is not found
    // and the sector is not PreCommitted, and the wallet has its deposit back.
    const balance = await c.walletBalance(WORKER);
    await c.call("DevnetReorg", [toJson.cid(fresh.cid), 16]);
    assert.equal(await c.stateSearchMsg(fresh.cid), null);
    assert.equal(await c.stateSectorPreCommitInfo(MINER, 1), null);
    assert.ok((await c.walletBalance(WORKER)) > balance);
    await hold(16);
    const moved = await c.stateSearchMsg(fresh.cid);
    assert.deepEqual([moved?.exitCode, moved?.height], [0, 16]);
    assert.equal((await c.stateSectorPreCommitInfo(MINER, 1))?.preCommitEpoch, 16);
    // Only the last executed message can be moved (its prior state is the one kept).
    const once = await chainFailure(c.call("DevnetReorg", [toJson.cid(again.cid), 20]));
    assert.match(once.message, /the last message executed by this server/);
    const bad = await chainFailure(c.call("DevnetMisbehave", [{ Status: 200 }]));
    assert.match(bad.message, /params\/0\/Status: expected an HTTP error status 400..599, got 200/);
  } finally {
    c.close();
    await server.close();
  }
});

test("sealfarm devnet run --test-hooks: the hooks over a devnet process", { timeout: 120_000 }, async () => {
  const sealfarm = fileURLToPath(new URL("../../../bin/sealfarm.js", import.meta.url));
  const child = spawn(
    process.execPath,
    [sealfarm, "devnet", "run", "--dir", join(dir, "process"), "--listen", "127.0.0.1:0", "--test-hooks"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let c: LotusClient | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`devnet exited ${code}: ${out}`)));
    });
    c = createLotusClient({ url });
    await c.call("DevnetHoldClock", [7]);
    await c.call("DevnetMisbehave", [{ Status: 503 }]);
    assert.equal((await chainFailure(c.chainHead())).kind, "temporary");
    assert.equal((await c.chainHead()).height, 7);
  } finally {
    c?.close();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
});
