// The reply shapes: one per method the manager serves, and forged replies refused with the key and the value.
import assert from "node:assert/strict";
import { test } from "node:test";
import { methodTable } from "../../manager/rpc/method-table.js";
import { checkVenusReply, InvalidReplyError, venusReplies } from "./venus-replies.js";

test("every method of the manager's table has a reply shape, and no other", () => {
  assert.deepEqual(Object.keys(venusReplies).sort(), Object.keys(methodTable).sort());
});

test('AllocateSector: ID.Number "../x" (the issue\'s forged reply) is refused naming the key and the value', () => {
  assert.throws(
    () => checkVenusReply("AllocateSector", { ID: { Miner: 1000, Number: "../x" }, ProofType: 5 }),
    (e: unknown) =>
      e instanceof InvalidReplyError &&
      e.message ===
        'Venus.AllocateSector: reply refused: /ID/Number: expected an unsigned integer, got a string "../x"',
  );
  assert.deepEqual(checkVenusReply("AllocateSector", { ID: { Miner: 1000, Number: 7 }, ProofType: 5, Extra: 1 }), {
    ID: { Miner: 1000, Number: 7 },
    ProofType: 5,
  });
  assert.equal(checkVenusReply("AllocateSector", null), null);
});

test("a piece CID that is not letters and digits is refused (the worker names files after it)", () => {
  const unseal = {
    Sector: { ID: { Miner: 1000, Number: 1 }, ProofType: 5 },
    PieceCid: { "/": "../../etc/passwd" },
    Offset: 0,
    Size: 127,
    PrivateInfo: { AccessInstance: "persist-1" },
    Ticket: { Ticket: Buffer.alloc(32).toString("base64"), Epoch: 1 },
    CommD: new Array(32).fill(0),
    Dest: [],
    State: 1,
    ErrorInfo: "",
  };
  assert.throws(() => checkVenusReply("AllocateUnsealSector", unseal), /\/PieceCid\/\/: expected a CID/);
  assert.equal(checkVenusReply("AllocateUnsealSector", { ...unseal, PieceCid: { "/": "baga6ea4seaq" } })?.Size, 127);
});

test("null results, enums and optional keys", () => {
  assert.equal(checkVenusReply("WorkerPing", undefined), null);
  assert.throws(() => checkVenusReply("WorkerPing", {}), /expected null/);
  assert.throws(() => checkVenusReply("SubmitProof", { Res: 9, Desc: null }), /\/Res: expected one of 0 Unknown/);
  const view = {
    ID: { Miner: 1000, Number: 1 },
    ProofType: 5,
    State: "Active",
    Worker: null,
    LatestState: null,
    LastFailure: null,
    Finalized: false,
    AbortReason: null,
    Deals: 0,
    CreatedAt: 1,
    UpdatedAt: 2,
  };
  assert.deepEqual(checkVenusReply("ListSectors", [view]), [view]);
  assert.throws(
    () => checkVenusReply("ListSectors", [{ ...view, Rebuild: "soon" }]),
    /\/0\/Rebuild: expected "queued"/,
  );
});
