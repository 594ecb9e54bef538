// The devnet's WindowPoSt path with real proofs, in process on a clock the test moves (so no step races a chain
// window): a 2 KiB sector sealed and activated through the Lotus API, proven in its deadline with a real
// window_post (a tampered proof is refused), faulted when its next deadline ends unproven, declared recovering.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { ExitCode } from "../../../agent/manager/chain/filecoin/exit-codes.js";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import { encodeDeclareFaultsRecovered } from "../../../agent/manager/chain/filecoin/miner-params.js";
import { rangesFromSet } from "../../../agent/manager/chain/filecoin/rle-plus.js";
import { ChainError } from "../../../agent/manager/chain/lotus/chain-errors.js";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { scratchDir } from "../../support/scratch-dir.js";
import { MINER, sealedReplica, startHeldDevnet } from "./held-devnet.js";

const bin = resolveProofsBin("");
const dir = scratchDir("sealfarm-devnet-wpost-");

test("WindowPoSt on the devnet: proven, tampered, faulted, recovering", { timeout: 600_000 }, async (t) => {
  if (!(await hasSubcommand(bin, "verify-window-post"))) return t.skip("sealfarm-proofs lacks verify-window-post");
  const d = await startHeldDevnet(join(dir, "chain"), bin);
  const c = d.client;
  try {
    const sealed = await d.activateCcSector(1, join(dir, "seal"));
    assert.equal((await c.stateSectorGetInfo(MINER, 1))?.activation, 18);
    // Sector 1 of 4 deadlines is assigned to deadline 1, partition 0 (Lotus: StateSectorPartition).
    assert.deepEqual(await c.stateSectorPartition(MINER, 1), { deadline: 1, partition: 0 });
    assert.equal(await c.stateSectorPartition(MINER, 2), null);

    // Sector 1 is in deadline 1 (of 4, 10 epochs each in a 40-epoch period): its first window after activation
    // is [50, 60), challenged at 49.
    const post = async (open: number, mutate = false) => {
      const m = await d.windowPost(open, 1, [sealedReplica(1, sealed)], mutate);
      const deadline = await c.stateMinerProvingDeadline(MINER);
      assert.deepEqual([deadline.index, deadline.open, deadline.challenge], [1, open, open - 1]);
      return m;
    };
    const tampered = await d.push(await post(50, true)).then(
      () => assert.fail("a tampered PoSt must be refused"),
      (e: unknown) => e,
    );
    assert.ok(tampered instanceof ChainError);
    assert.equal(tampered.exitCode, ExitCode.ErrIllegalArgument);
    assert.match(tampered.message, /invalid PoSt/);
    assert.equal(await d.land(await post(50)), 0);
    d.epoch = 60;
    let [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual(part?.faultySectors, []);

    // [90, 100) passes without a proof: at its end the sector is faulty.
    d.epoch = 100;
    [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual(part?.faultySectors, rangesFromSet([1]));
    assert.deepEqual(part?.activeSectors, []);
    assert.deepEqual(await c.stateMinerFaults(MINER), rangesFromSet([1]));
    assert.deepEqual(await c.stateMinerRecoveries(MINER), []);
    const recovery = encodeDeclareFaultsRecovered({
      recoveries: [{ deadline: 1, partition: 0, sectors: rangesFromSet([1]) }],
    });
    assert.equal(await d.land(d.message(MinerMethod.DeclareFaultsRecovered, recovery)), 0);
    [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual(part?.recoveringSectors, rangesFromSet([1]));
    assert.deepEqual(await c.stateMinerRecoveries(MINER), rangesFromSet([1]));
    // Proven again in [130, 140): no longer faulty.
    assert.equal(await d.land(await post(130)), 0);
    [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual([part?.faultySectors, part?.recoveringSectors], [[], []]);
    assert.deepEqual([await c.stateMinerFaults(MINER), await c.stateMinerRecoveries(MINER)], [[], []]);
  } finally {
    await d.close();
  }
});
