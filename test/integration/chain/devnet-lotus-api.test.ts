// The devnet as its own process serving the Lotus v1 API, driven only through the Lotus client: a 2 KiB CC sector
// really sealed with sealfarm-proofs against the devnet's randomness, PreCommitted, the devnet killed with SIGKILL
// right after it acknowledged the push (before the message landed) and restarted, the push retried with the same
// MsgUuid, and the sector lands exactly once, is proven and becomes active. Refusals come back with the actor's
// exit codes, classified permanent.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { idAddress } from "../../../agent/manager/chain/filecoin/address.js";
import { parseFil } from "../../../agent/manager/chain/filecoin/big-int.js";
import { decodeCbor } from "../../../agent/manager/chain/filecoin/cbor-shape.js";
import { sealedCid } from "../../../agent/manager/chain/filecoin/cid.js";
import { ExitCode } from "../../../agent/manager/chain/filecoin/exit-codes.js";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import {
  encodePreCommitSectorBatch2,
  encodeProveCommitSectors3,
  type SectorPreCommitInfo,
} from "../../../agent/manager/chain/filecoin/miner-params.js";
import { addressEntropy } from "../../../agent/manager/chain/filecoin/randomness-entropy.js";
import { createLotusClient, type LotusClient } from "../../../agent/manager/chain/lotus/lotus-client.js";
import { DomainSeparationTag, type MessageSendSpec } from "../../../agent/manager/chain/lotus/lotus-shapes.js";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { kill9, startDevnetProcess } from "../../support/child-process.js";
import { commitPhase, precommitPhase } from "../manager/real-seal.js";
import { chainFailure, MINER, minerMessage, WORKER } from "./held-devnet.js";

const proofsBin = resolveProofsBin("");
const TOKEN = "devnet-test-token-0123456789";
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

const dir = mkdtempSync(join(tmpdir(), "sealfarm-devnet-"));
const children: ChildProcess[] = [];
const clients: LotusClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const ch of children) await kill9(ch);
  rmSync(dir, { recursive: true, force: true });
});

async function startDevnet(): Promise<{ child: ChildProcess; client: LotusClient }> {
  writeFileSync(join(dir, "token"), TOKEN);
  const { child, url } = await startDevnetProcess(join(dir, "chain"), join(dir, "token"), ["--block-time", "100ms"]);
  children.push(child);
  const client = createLotusClient({ url, token: TOKEN, timeoutMs: 120_000 });
  clients.push(client);
  return { child, client };
}

/** Heights only grow: waiting for one is waiting for a state that stays. */
async function heightAtLeast(c: LotusClient, h: number): Promise<number> {
  for (;;) {
    const head = await c.chainHead();
    if (head.height >= h) return head.height;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a sector through the devnet process over the Lotus API, with a SIGKILL mid-PreCommit", {
  timeout: 600_000,
}, async (t) => {
  if (!(await hasSubcommand(proofsBin, "verify-seal"))) return t.skip("sealfarm-proofs lacks verify-seal");
  let { child, client: c } = await startDevnet();

  // Reads, in Lotus' shapes.
  const info = await c.stateMinerInfo(MINER);
  assert.deepEqual([info.worker, info.sectorSize, info.windowPoStProofType], ["f0100", 2048, 10]);
  assert.equal(await c.stateNetworkVersion(), 23);
  assert.equal(await c.walletBalance(info.worker), 1000n * 10n ** 18n);
  const anonymous = createLotusClient({ url: c.describe() });
  clients.push(anonymous);
  const denied = await chainFailure(anonymous.chainHead());
  assert.equal(denied.kind, "permanent");
  assert.match(denied.message, /HTTP 401/);

  // Seal with the devnet's ticket: DST SealRandomness, entropy = the miner address as CBOR.
  const entropy = addressEntropy(idAddress(1000));
  const ticketEpoch = (await heightAtLeast(c, 2)) - 1;
  const ticket = await c.stateGetRandomnessFromTickets(DomainSeparationTag.SealRandomness, ticketEpoch, entropy);
  const future = await chainFailure(c.stateGetRandomnessFromTickets(5, ticketEpoch + 1_000_000, entropy));
  assert.equal(future.kind, "temporary");
  const sealed = await precommitPhase(proofsBin, join(dir, "seal-1"), 1, b64(ticket));

  const pc: SectorPreCommitInfo = {
    sealProof: 5,
    sectorNumber: 1,
    sealedCid: sealedCid(Uint8Array.from(sealed.commR)),
    sealRandEpoch: ticketEpoch,
    dealIds: [],
    expiration: ticketEpoch + 100_000,
    unsealedCid: null,
  };
  const deposit = await c.stateMinerPreCommitDepositForPower(MINER, pc);
  assert.equal(info.worker, WORKER);
  const message = minerMessage;
  const spec = (): MessageSendSpec => ({ maxFee: parseFil("0.05 FIL"), msgUuid: randomUUID() });
  const preCommitMsg = message(
    MinerMethod.PreCommitSectorBatch2,
    encodePreCommitSectorBatch2({ sectors: [pc] }),
    deposit,
  );
  const preCommitSpec = spec();
  const pushed = await c.mpoolPushMessage(preCommitMsg, preCommitSpec);

  // SIGKILL right after the acknowledged push, then a restart on the same directory.
  await kill9(child);
  ({ child, client: c } = await startDevnet());
  // The manager does not know whether its push survived, so it pushes again with the same MsgUuid.
  const again = await c.mpoolPushMessage(preCommitMsg, preCommitSpec);
  assert.equal(again.cid.toString(), pushed.cid.toString());
  const landed = await c.stateWaitMsg(pushed.cid, 2);
  const receiptError = () =>
    JSON.stringify(
      JSON.parse(readFileSync(join(dir, "chain", "devnet-state.json"), "utf8")).messages.map(
        (m: { receipt: unknown }) => m.receipt,
      ),
    );
  assert.equal(landed.exitCode, 0, receiptError());
  const onChain = await c.stateSectorPreCommitInfo(MINER, 1);
  assert.ok(onChain);
  assert.equal(onChain.info.sealedCid.toString(), pc.sealedCid.toString());
  assert.equal(onChain.preCommitDeposit, deposit);
  const stored = JSON.parse(readFileSync(join(dir, "chain", "devnet-state.json"), "utf8"));
  assert.equal(stored.messages.filter((m: { uuid: string }) => m.uuid === preCommitSpec.msgUuid).length, 1);

  // The same sector again: the estimate fails with the actor's exit code, and that is permanent.
  const dup = await chainFailure(c.mpoolPushMessage(preCommitMsg, spec()));
  assert.equal(dup.kind, "permanent");
  assert.equal(dup.exitCode, ExitCode.ErrIllegalArgument);
  assert.match(dup.message, /sector number already allocated/);

  // The seed: DST InteractiveSealChallengeSeed at PreCommit epoch + challenge delay (10).
  const seedEpoch = landed.height + 10;
  await heightAtLeast(c, seedEpoch + 1);
  const seed = await c.stateGetRandomnessFromBeacon(
    DomainSeparationTag.InteractiveSealChallengeSeed,
    seedEpoch,
    entropy,
  );
  const prove = (proof: Uint8Array) =>
    message(
      MinerMethod.ProveCommitSectors3,
      encodeProveCommitSectors3({
        sectorActivations: [{ sectorNumber: 1, pieces: [] }],
        sectorProofs: [proof],
        aggregateProof: new Uint8Array(0),
        aggregateProofType: null,
        requireActivationSuccess: true,
        requireNotificationSuccess: false,
      }),
    );
  const proof = Buffer.from(await commitPhase(proofsBin, sealed, 1, b64(ticket), b64(seed)), "base64");
  const tampered = Buffer.from(proof);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
  const bad = await chainFailure(c.mpoolPushMessage(prove(tampered), spec()));
  assert.equal(bad.exitCode, ExitCode.ErrIllegalArgument);
  assert.match(bad.message, /invalid seal proof/);

  // Without the initial pledge the miner cannot activate the sector; the worker sends it as the value.
  const short = await chainFailure(c.mpoolPushMessage(prove(proof), spec()));
  assert.equal(short.exitCode, ExitCode.ErrInsufficientFunds);
  assert.equal(short.kind, "temporary");
  const pledge = await c.stateMinerInitialPledgeCollateral(MINER, pc);
  const proven = await c.mpoolPushMessage({ ...prove(proof), value: pledge }, spec());
  const activated = await c.stateWaitMsg(proven.cid, 1);
  assert.equal(activated.exitCode, 0);
  // BatchReturn { success_count 1, fail_codes [] }.
  assert.deepEqual(decodeCbor(activated.return, "return"), [1, []]);
  const sector = await c.stateSectorGetInfo(MINER, 1);
  assert.equal(sector?.sealedCid.toString(), pc.sealedCid.toString());
  assert.equal(sector?.activation, activated.height);
  assert.equal(await c.stateSectorPreCommitInfo(MINER, 1), null);
  assert.deepEqual(
    (await c.stateMinerSectors(MINER, null)).map((s) => s.sectorNumber),
    [1],
  );
  // Sector 1 of 4 deadlines sits in deadline 1, partition 0.
  const [part] = await c.stateMinerPartitions(MINER, 1);
  assert.deepEqual(part?.allSectors, [{ start: 1, count: 1 }]);
  const dl = await c.stateMinerProvingDeadline(MINER);
  assert.equal(dl.periodDeadlines, 4);
  assert.ok(dl.open <= dl.currentEpoch && dl.currentEpoch < dl.close);
});
