import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeMessage, encodeMessage, messageCid } from "./message.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("a message is the 10-tuple of chain/types Message (bytes assembled by hand from the cbor-gen layout)", () => {
  const m = {
    version: 0,
    to: "f01000",
    from: "f0100",
    nonce: 3,
    value: 10n ** 18n,
    gasLimit: 1_000_000,
    gasFeeCap: 100n,
    gasPremium: 0n,
    method: 28,
    params: Uint8Array.from([0x80]),
  };
  const expected = [
    "8a", // tuple of 10
    "00", // Version 0
    "4300e807", // To: f01000 = h'00e807'
    "420064", // From: f0100 = h'0064'
    "03", // Nonce 3
    "49000de0b6b3a7640000", // Value: BigInt bytes of 10^18 (sign 00 + 8 bytes)
    "1a000f4240", // GasLimit 1000000
    "420064", // GasFeeCap 100 = h'0064'
    "40", // GasPremium 0 = h''
    "181c", // Method 28
    "4180", // Params h'80'
  ].join("");
  const bytes = encodeMessage(m);
  assert.equal(hex(bytes), expected);
  assert.deepEqual(decodeMessage(bytes), m);
  assert.ok(messageCid(m).toString().startsWith("bafy2bzace"));
  assert.notEqual(messageCid(m).toString(), messageCid({ ...m, nonce: 4 }).toString());
  assert.throws(() => decodeMessage(bytes.subarray(0, 5)), /message: expected DAG-CBOR/);
});

test("the CID of Lotus' API reference example message (bafy2bzacebbpdegvr3i4…)", () => {
  // filecoin-project/lotus documentation/en/api-v1-unstable-methods.md (commit 0023be28004df97dbbad2ddb98a98f5916fd8c07),
  // ChainGetMessage / MpoolPushMessage examples: docgen's message, with the CID Lotus computed for it.
  const m = {
    version: 42,
    to: "f01234",
    from: "f01234",
    nonce: 42,
    value: 0n,
    gasLimit: 9,
    gasFeeCap: 0n,
    gasPremium: 0n,
    method: 1,
    params: Buffer.from("Ynl0ZSBhcnJheQ==", "base64"),
  };
  assert.equal(messageCid(m).toString(), "bafy2bzacebbpdegvr3i4cosewthysg5xkxpqfn2wfcz6mv2hmoktwbdxkax4s");
  // One field off, another CID: the vector pins every field's encoding.
  assert.notEqual(messageCid({ ...m, gasLimit: 10 }).toString(), messageCid(m).toString());
});
