import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { paddedBytes } from "../../../components/core/units/bytes.js";
import { allowedPoStProofTypes, windowPostTask } from "./wdpost-thread.js";

describe("wdpost thread helpers", () => {
  it("maps one allowed size to 9 PoSt proof names, not deduplicated (damocles)", () => {
    const types = allowedPoStProofTypes([paddedBytes(32 * 1024 ** 3)]);
    assert.equal(types.length, 9);
    assert.deepEqual(types.slice(0, 3), [
      "StackedDrgWinning32GiBV1",
      "StackedDrgWindow32GiBV1",
      "StackedDrgWindow32GiBV1_2",
    ]);
    assert.deepEqual(allowedPoStProofTypes(undefined), []);
  });
  it("resolves each sector's files through the attached stores by name", () => {
    const job = {
      Id: "j1",
      Input: {
        MinerId: 1000,
        ProofType: "StackedDrgWindow2KiBV1_2",
        Seed: Array(32).fill(1),
        Sectors: [
          { SectorId: 3, CommR: Array(32).fill(2), Upgrade: false, Accesses: { SealedFile: "p1", CacheDir: "p1" } },
          { SectorId: 4, CommR: Array(32).fill(3), Upgrade: true, Accesses: { SealedFile: "p2", CacheDir: "p1" } },
        ],
      },
    };
    const attached = [
      { name: "p1", location: "/mnt/p1", readonly: false },
      { name: "p2", location: "/mnt/p2", readonly: true },
    ];
    assert.deepEqual(windowPostTask(job, attached), {
      miner_id: 1000,
      proof_type: "StackedDrgWindow2KiBV1_2",
      seed: Array(32).fill(1),
      replicas: [
        {
          sector_id: 3,
          comm_r: Array(32).fill(2),
          sealed_file: "/mnt/p1/sealed/s-t01000-3",
          cache_dir: "/mnt/p1/cache/s-t01000-3",
        },
        {
          sector_id: 4,
          comm_r: Array(32).fill(3),
          sealed_file: "/mnt/p2/update/s-t01000-4",
          cache_dir: "/mnt/p1/update-cache/s-t01000-4",
        },
      ],
    });
    assert.throws(
      () => windowPostTask(job, [attached[0] as (typeof attached)[0]]),
      /store "p2" is not attached to this worker/,
    );
  });
});
