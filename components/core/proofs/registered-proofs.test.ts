// The registered-proof table pinned to known ids, and compared with the Rust side's own table, printed by the real
// binary (`sealfarm-proofs ids --json`): the worker, the manager and the processors agree on every id and name.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import farmSchema from "../../../schemas/farm.schema.json" with { type: "json" };
import managerSchema from "../../../schemas/manager.schema.json" with { type: "json" };
import { paddedBytes } from "../units/bytes.js";
import {
  parseSectorSize,
  postProofs,
  sealProofByName,
  sealProofInfo,
  sealProofName,
  sealProofs,
  sealProofTypesForSize,
  sectorSizeBytes,
  sectorSizeName,
  sectorSizeNames,
  sectorSizeOfSealProof,
  updateProofName,
  updateProofs,
} from "./registered-proofs.js";

// The bundled binary as `npm run build:native` leaves it (or SEALFARM_PROOFS_BIN, as the agent resolves it).
const proofsBin =
  process.env.SEALFARM_PROOFS_BIN ||
  fileURLToPath(new URL("../../../native/target/release/sealfarm-proofs", import.meta.url));

interface RustTable {
  sector_sizes: { name: string; bytes: number }[];
  seal_proofs: {
    id: number;
    name: string;
    sector_size: number;
    winning_post_proof: string;
    window_post_proof_v1: string;
    window_post_proof: string;
  }[];
  update_proofs: { id: number; name: string; sector_size: number }[];
}

describe("registered proofs", () => {
  it("pins the ids filecoin-proofs-api and the chain use", () => {
    assert.equal(sealProofInfo(0)?.name, "StackedDrg2KiBV1");
    assert.equal(sealProofInfo(5)?.name, "StackedDrg2KiBV1_1");
    assert.equal(sealProofInfo(8)?.name, "StackedDrg32GiBV1_1");
    assert.equal(sealProofInfo(13)?.name, "StackedDrg32GiBV1_1_Feat_SyntheticPoRep");
    assert.equal(sealProofInfo(19)?.name, "StackedDrg64GiBV1_2_Feat_NonInteractivePoRep");
    assert.equal(sealProofInfo(19)?.sectorSizeBytes, 64 * 2 ** 30);
    assert.equal(sealProofInfo(5)?.windowPostProof, "StackedDrgWindow2KiBV1_2");
    assert.equal(sealProofInfo(20), undefined);
    assert.equal(sealProofInfo(-1), undefined);
    assert.equal(sealProofInfo(1.5), undefined);
    assert.equal(sealProofByName("StackedDrg8MiBV1_1")?.id, 6);
    assert.equal(sealProofs.length, 20);
    assert.deepEqual(
      postProofs.filter((p) => p.sectorSizeBytes === 32 * 2 ** 30).map((p) => [p.id, p.name]),
      [
        [3, "StackedDrgWinning32GiBV1"],
        [8, "StackedDrgWindow32GiBV1"],
        [13, "StackedDrgWindow32GiBV1_2"],
      ],
    );
    assert.deepEqual(
      updateProofs.map((u) => [u.id, u.name]),
      sectorSizeNames.map((s, i) => [i, `StackedDrg${s}V1`]),
    );
  });

  it("maps sizes to seal proof types and names", () => {
    assert.deepEqual(sealProofTypesForSize(paddedBytes(32 * 1024 ** 3)), [8, 13, 18]);
    assert.equal(sectorSizeOfSealProof(5), 2048);
    assert.equal(sealProofName(0), "StackedDrg2KiBV1");
    assert.throws(() => sealProofName(20), /unknown seal proof type 20/);
    // One update proof per size, whatever the seal proof's family.
    assert.equal(updateProofName(5), "StackedDrg2KiBV1");
    assert.equal(updateProofName(13), "StackedDrg32GiBV1");
    assert.equal(updateProofName(9), "StackedDrg64GiBV1");
  });

  it("accepts only Filecoin sector sizes, in any byte notation", () => {
    assert.equal(parseSectorSize("2KiB"), 2048);
    assert.equal(parseSectorSize("2048"), 2048);
    assert.equal(sectorSizeName(parseSectorSize("32 GiB")), "32GiB");
    for (const bad of ["4KiB", "x", ""])
      assert.throws(
        () => parseSectorSize(bad),
        new RegExp(
          `one of "2KiB", "8MiB", "512MiB", "32GiB", "64GiB", got ${JSON.stringify(JSON.stringify(bad)).slice(1, -1)}`,
        ),
      );
    assert.throws(() => sectorSizeName(paddedBytes(4096)), /4096 bytes is not a Filecoin sector size/);
  });

  it("is what the schemas accept: the farm's sector sizes, the manager's seal proofs", () => {
    assert.deepEqual(farmSchema.properties.sectorSize.enum, [...sectorSizeNames]);
    const sealProof = new RegExp(managerSchema.properties.miners.items.properties.seal_proof.pattern, "u");
    for (const p of sealProofs) assert.ok(sealProof.test(p.name), p.name);
    for (const bad of ["StackedDrg4KiBV1_1", "StackedDrg2KiBV1_2", "StackedDrgWindow2KiBV1_2", "stackeddrg2kibv1_1"])
      assert.equal(sealProof.test(bad), false, bad);
  });

  it("agrees with the Rust side's table (sealfarm-proofs ids --json)", () => {
    const rust = JSON.parse(execFileSync(proofsBin, ["ids", "--json"], { encoding: "utf8" })) as RustTable;
    assert.deepEqual(
      rust.sector_sizes,
      sectorSizeNames.map((name) => ({ name, bytes: sectorSizeBytes(name) })),
    );
    assert.deepEqual(
      rust.seal_proofs,
      sealProofs.map((p) => ({
        id: p.id,
        name: p.name,
        sector_size: p.sectorSizeBytes,
        winning_post_proof: p.winningPostProof,
        window_post_proof_v1: postProofs.find((q) => q.id === 5 + (p.id % 5))?.name,
        window_post_proof: p.windowPostProof,
      })),
    );
    assert.deepEqual(
      rust.update_proofs,
      updateProofs.map((u) => ({ id: u.id, name: u.name, sector_size: u.sectorSizeBytes })),
    );
  });
});
