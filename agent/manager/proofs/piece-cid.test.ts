import assert from "node:assert/strict";
import { test } from "node:test";
import { zeroCommitment } from "./comm-d.js";
import { commitmentFromPieceCid, pieceCidFromCommitment, sealedCidFromCommR } from "./piece-cid.js";

test("piece CIDs use the baga6ea4seaq prefix and round-trip", () => {
  const cid = pieceCidFromCommitment(zeroCommitment(2048));
  assert.ok(cid.startsWith("baga6ea4seaq"), cid);
  assert.deepEqual(commitmentFromPieceCid(cid), zeroCommitment(2048));
  assert.equal(commitmentFromPieceCid("bafy2bzacea"), null);
  assert.equal(commitmentFromPieceCid("not-a-cid"), null);
});

test("the 2 KiB zero piece has lotus' CID", () => {
  // lotus zerocomm: the unpadded 2032-byte zero piece.
  assert.equal(
    pieceCidFromCommitment(zeroCommitment(2048)),
    "baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy",
  );
});

test("a comm_r is named by a fil-commitment-sealed CID, the bagboea4b5abc… every lotus sector shows", () => {
  const cid = sealedCidFromCommR(new Uint8Array(32).fill(7));
  assert.ok(cid.startsWith("bagboea4b5abc"), cid);
  assert.equal(cid.length, 1 + Math.ceil(((8 + 32) * 8) / 5));
  assert.throws(() => sealedCidFromCommR(new Uint8Array(31)), /32 bytes/);
});
