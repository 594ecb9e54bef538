import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SectorPieceV2 } from "../../shared/rpc/index.js";
import { isPersistedCacheFile, persistReserveBytes, pieceTasks, proverId } from "./sealing-steps.js";

const piece = (over: Partial<SectorPieceV2["DealInfo"]>, size = 1024): SectorPieceV2 => ({
  Piece: { Size: size, PieceCID: { "/": "baga6ea4seaqpiece" } },
  DealInfo: {
    DealID: 0,
    PublishCid: null,
    AllocationID: 0,
    PieceCID: { "/": "baga6ea4seaqpiece" },
    PieceSize: size,
    Client: "",
    Provider: "t01000",
    Offset: 0,
    Length: size,
    PayloadSize: 500,
    StartEpoch: 0,
    EndEpoch: 0,
    IsBuiltinMarket: false,
    IsCompatible: true,
    ...over,
  },
});

describe("sealing step helpers", () => {
  it("builds add_pieces sources: pledge, local copy, or the manager's piece store", () => {
    const local = new Set(["/pieces/baga6ea4seaqpiece.car"]);
    const tasks = pieceTasks(
      [piece({}), piece({ DealID: 7, IsBuiltinMarket: true }), piece({ AllocationID: 3 })],
      ["/nope", "/pieces"],
      "http://m:1789",
      (p) => local.has(p),
    );
    assert.deepEqual(tasks[0], { piece_file: "pledge", payload_size: 1016, piece_size: 1016 });
    assert.deepEqual(tasks[1], {
      piece_file: { local: "/pieces/baga6ea4seaqpiece.car" },
      payload_size: 500,
      piece_size: 1016,
    });
    assert.deepEqual(pieceTasks([piece({ AllocationID: 3 })], [], "http://m:1789", () => false)[0]?.piece_file, {
      url: "http://m:1789/piecestore/baga6ea4seaqpiece",
    });
    // A builtin-market piece with DealID 0 is a filler even if it carries an AllocationID field.
    assert.equal(
      pieceTasks([piece({ IsBuiltinMarket: true, AllocationID: 9 })], [], "", () => false)[0]?.piece_file,
      "pledge",
    );
  });
  it("reserves what damocles reserves: 2x below 32 GiB, size + size/50 (rounded down) for 32/64 GiB", () => {
    assert.equal(persistReserveBytes(2048), 4096);
    assert.equal(persistReserveBytes(8 * 1024 ** 2), 16 * 1024 ** 2);
    assert.equal(persistReserveBytes(512 * 1024 ** 2), 1024 ** 3);
    // 34359738368 / 50 = 687194767.36: damocles' u64 division drops the fraction (a ceil of 1.02x gave one more byte).
    assert.equal(persistReserveBytes(32 * 1024 ** 3), 35_046_933_135);
    assert.equal(persistReserveBytes(64 * 1024 ** 3), 70_093_866_270);
  });
  it("derives the prover id from the actor id as a zero-padded uvarint", () => {
    assert.deepEqual(proverId(1000).slice(0, 3), [232, 7, 0]);
    assert.equal(proverId(1000).length, 32);
    assert.deepEqual(proverId(5).slice(0, 2), [5, 0]);
  });
  it("persists only the files lotus' layout keeps", () => {
    for (const f of ["p_aux", "t_aux", "sc-02-data-tree-r-last.dat", "sc-02-data-tree-r-last-7.dat"])
      assert.ok(isPersistedCacheFile(f), f);
    for (const f of ["sc-02-data-layer-1.dat", "sc-02-data-tree-c.dat", "sc-02-data-tree-d.dat", ".pc2_running"])
      assert.ok(!isPersistedCacheFile(f), f);
  });
});
