import assert from "node:assert/strict";
import { test } from "node:test";
import { computeCommD, zeroCommitment } from "../proofs/comm-d.js";
import { packPieces, pledgeFill } from "./pack-pieces.js";

test("pledge fill uses aligned powers of two", () => {
  assert.deepEqual(
    pledgeFill(128, 2048).map((p) => [p.offset, p.paddedSize]),
    [
      [128, 128],
      [256, 256],
      [512, 512],
      [1024, 1024],
    ],
  );
  assert.deepEqual(pledgeFill(0, 0), []);
});

test("pieces are aligned to their size and the rest of the sector is pledge", () => {
  const placed = packPieces(
    2048,
    [
      { dealId: 1, paddedSize: 128 },
      { dealId: 2, paddedSize: 512 },
      { dealId: 3, paddedSize: 2048 },
      { dealId: 4, paddedSize: 256 },
    ],
    10,
  );
  assert.deepEqual(
    placed.map((p) => [p.kind, p.offset, p.paddedSize, p.kind === "deal" ? p.dealId : 0]),
    [
      ["deal", 0, 128, 1],
      ["pledge", 128, 128, 0],
      ["pledge", 256, 256, 0],
      ["deal", 512, 512, 2],
      ["deal", 1024, 256, 4],
      ["pledge", 1280, 256, 0],
      ["pledge", 1536, 512, 0],
    ],
  );
  const total = placed.reduce((s, p) => s + p.paddedSize, 0);
  assert.equal(total, 2048);
});

test("maxDeals caps the deals; nothing queued gives nothing (CC)", () => {
  const q = [
    { dealId: 1, paddedSize: 256 },
    { dealId: 2, paddedSize: 256 },
  ];
  assert.equal(packPieces(2048, q, 1).filter((p) => p.kind === "deal").length, 1);
  assert.deepEqual(packPieces(2048, [], 5), []);
});

test("explicit pledge pieces give the same CommD as the aligned deal pieces alone", () => {
  const comm = (id: number) => Buffer.alloc(32, id);
  const placed = packPieces(
    2048,
    [
      { dealId: 1, paddedSize: 128 },
      { dealId: 2, paddedSize: 512 },
    ],
    10,
  );
  const explicit = placed.map((p) => ({
    paddedSize: p.paddedSize,
    commitment: p.kind === "deal" ? comm(p.dealId) : zeroCommitment(p.paddedSize),
  }));
  const dealsOnly = [
    { paddedSize: 128, commitment: comm(1) },
    { paddedSize: 512, commitment: comm(2) },
  ];
  assert.equal(computeCommD(2048, explicit).toString("hex"), computeCommD(2048, dealsOnly).toString("hex"));
});
