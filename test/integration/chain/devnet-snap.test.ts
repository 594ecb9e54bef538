// Snap upgrades on the devnet with real proofs, on a clock the test holds: a 2 KiB CC sector sealed and activated
// through the Lotus API, upgraded with one deal by the real snap stages, ProveReplicaUpdates3 refused for each
// thing builtin-actors checks (with its exit code) and then applied, and WindowPoSt over the sector then verified
// against the update replica (a proof over the old replica is refused).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { decodeCbor } from "../../../agent/manager/chain/filecoin/cbor-shape.js";
import { sealedCid, unsealedCid } from "../../../agent/manager/chain/filecoin/cid.js";
import { ExitCode } from "../../../agent/manager/chain/filecoin/exit-codes.js";
import { MinerMethod, RegisteredUpdateProof } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import {
  encodeProveReplicaUpdates3,
  type SectorUpdateManifest,
} from "../../../agent/manager/chain/filecoin/miner-params.js";
import { ChainError } from "../../../agent/manager/chain/lotus/chain-errors.js";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { scratchDir } from "../../support/scratch-dir.js";
import { MINER, sealedReplica, startHeldDevnet } from "./held-devnet.js";
import { snapUpgrade } from "./real-snap.js";

const bin = resolveProofsBin("");
const dir = scratchDir("sealfarm-devnet-snap-");

test("ProveReplicaUpdates3 on the devnet: checked, verified, applied, and WindowPoSt proves the update replica", {
  timeout: 600_000,
}, async (t) => {
  if (!(await hasSubcommand(bin, "verify-snap"))) return t.skip("sealfarm-proofs lacks verify-snap");
  const d = await startHeldDevnet(join(dir, "chain"), bin);
  const c = d.client;
  try {
    const sealed = await d.activateCcSector(1, join(dir, "seal"));
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) % 251));
    const snap = await snapUpgrade(bin, sealed, join(dir, "snap"), payload);
    const newSealed = sealedCid(Uint8Array.from(snap.commRNew));
    const piece = {
      cid: unsealedCid(Uint8Array.from(snap.piece.commitment)),
      size: snap.piece.paddedSize,
      verifiedAllocationKey: null,
      notify: [],
    };
    const update: SectorUpdateManifest = {
      sector: 1,
      deadline: 1,
      partition: 0,
      newSealedCid: newSealed,
      pieces: [piece],
    };
    const prove = (
      over: Partial<SectorUpdateManifest> = {},
      proof = snap.proof,
      type: number = RegisteredUpdateProof.StackedDrg2KiBV1,
    ) =>
      d.message(
        MinerMethod.ProveReplicaUpdates3,
        encodeProveReplicaUpdates3({
          sectorUpdates: [{ ...update, ...over }],
          sectorProofs: [proof],
          aggregateProof: new Uint8Array(0),
          updateProofsType: type,
          aggregateProofType: null,
          requireActivationSuccess: true,
          requireNotificationSuccess: false,
        }),
      );
    const refused = async (m: ReturnType<typeof prove>) => {
      const e = await d.push(m).then(
        () => assert.fail("the update must be refused"),
        (x: unknown) => x,
      );
      assert.ok(e instanceof ChainError, String(e));
      assert.equal(e.kind, "permanent");
      return e;
    };
    const tampered = Uint8Array.from(snap.proof);
    tampered[tampered.length >> 1] = (tampered[tampered.length >> 1] ?? 0) ^ 0x10;
    const cases: [string, ReturnType<typeof prove>, number, RegExp][] = [
      ["no such sector", prove({ sector: 7 }), ExitCode.ErrNotFound, /sector 7: no such sector/],
      ["wrong partition", prove({ partition: 1 }), ExitCode.ErrIllegalArgument, /not 1\/1/],
      [
        "wrong proof type",
        prove({}, snap.proof, RegisteredUpdateProof.StackedDrg32GiBV1),
        ExitCode.ErrIllegalArgument,
        /update proof type 3.* needs 0/,
      ],
      [
        "not a CommR",
        prove({ newSealedCid: unsealedCid(Uint8Array.from(snap.commRNew)) }),
        ExitCode.ErrIllegalArgument,
        /new_sealed_cid: expected a sealed/,
      ],
      [
        "piece too big",
        prove({ pieces: [{ ...piece, size: 4096 }] }),
        ExitCode.ErrIllegalArgument,
        /do not fit a 2048-byte sector/,
      ],
      ["tampered proof", prove({}, tampered), ExitCode.ErrIllegalArgument, /invalid update proof/],
      // Other pieces make another CommD: the proof does not verify against it.
      ["other pieces", prove({ pieces: [] }), ExitCode.ErrIllegalArgument, /invalid update proof/],
    ];
    for (const [name, m, code, why] of cases) {
      const e = await refused(m);
      assert.equal(e.exitCode, code, `${name}: ${e.message}`);
      assert.match(e.message, why, name);
    }

    const { cid } = await d.push(prove());
    d.epoch += 1;
    const landed = await c.stateSearchMsg(cid);
    assert.equal(landed?.exitCode, 0);
    // BatchReturn { success_count 1, fail_codes [] }.
    assert.deepEqual(decodeCbor(landed?.return ?? new Uint8Array(0), "return"), [1, []]);
    const info = await c.stateSectorGetInfo(MINER, 1);
    assert.equal(info?.sealedCid.toString(), newSealed.toString());
    assert.equal(info?.sectorKeyCid?.toString(), sealedCid(Uint8Array.from(sealed.commR)).toString());
    // Upgraded once: the sector holds data now and cannot be upgraded again.
    const again = await refused(prove());
    assert.equal(again.exitCode, ExitCode.ErrIllegalArgument);
    assert.match(again.message, /only a CC sector can be updated/);

    // Deadline 1 opens at 50: a PoSt over the old replica no longer verifies, one over the update replica does.
    const old = await refused(await d.windowPost(50, 1, [sealedReplica(1, sealed)]));
    assert.match(old.message, /invalid PoSt/);
    const updated = { sector_id: 1, comm_r: snap.commRNew, cache_dir: snap.cache, sealed_file: snap.replica };
    assert.equal(await d.land(await d.windowPost(50, 1, [updated])), 0);
    d.epoch = 60;
    const [part] = await c.stateMinerPartitions(MINER, 1);
    assert.deepEqual([part?.allSectors, part?.faultySectors], [[{ start: 1, count: 1 }], []]);
  } finally {
    await d.close();
  }
});
