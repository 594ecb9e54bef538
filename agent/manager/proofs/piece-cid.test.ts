import assert from "node:assert/strict";
import { test } from "node:test";
import { zeroCommitment } from "./comm-d.js";
import { commitmentFromPieceCid, pieceCidFromCommitment } from "./piece-cid.js";

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
