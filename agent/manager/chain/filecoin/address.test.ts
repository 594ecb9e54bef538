import assert from "node:assert/strict";
import { test } from "node:test";
import { blake2b } from "@noble/hashes/blake2.js";
import { base32 } from "multiformats/bases/base32";
import {
  AddressError,
  addressFromBytes,
  addressId,
  addressToBytes,
  formatAddress,
  idAddress,
  parseAddress,
} from "./address.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// Address strings from the Filecoin spec's address section (f1…, f3…) and the Lotus docs (t1…). Each carries a
// blake2b-4 checksum over protocol ‖ payload, so a string that parses is byte-exact: a misremembered character
// would fail the checksum (odds 2^-32).
const EXTERNAL = [
  { text: "f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", bytes: "0100537285faff2ef1c04fa030ab28a1e6dcc4ba60" },
  { text: "t1d2xrzcslx7xlbbylc5c3d5lvandqw4iwl6epxba", bytes: "011eaf1c8a4bbfeeb0870b1745b1f57503470b7116" },
  {
    text: "f3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a",
    bytes: "03ad58df696e2d4e91ea86c881e938ba4ea81b395e12797b84b9cf314b9546705e839c7a99d606b247ddb4f9ac7a3414dd",
  },
];

test("external address strings parse to protocol ‖ payload and format back", () => {
  for (const v of EXTERNAL) {
    const a = parseAddress(v.text);
    assert.equal(hex(addressToBytes(a)), v.bytes, v.text);
    assert.equal(formatAddress(a, v.text[0] as "f" | "t"), v.text);
    assert.equal(formatAddress(addressFromBytes(Buffer.from(v.bytes, "hex")), v.text[0] as "f" | "t"), v.text);
  }
});

test("the string form is base32-lower-unpadded(payload ‖ blake2b-4(protocol ‖ payload)), checked by a second implementation", () => {
  // The checksum rule (spec, "Address encoding"): blake2b with a 4-byte digest over the protocol byte and payload.
  for (const v of EXTERNAL) {
    const bytes = Buffer.from(v.bytes, "hex");
    const checksum = blake2b(bytes, { dkLen: 4 });
    const body = base32.baseEncode(Buffer.concat([bytes.subarray(1), checksum]));
    assert.equal(`${v.text.slice(0, 2)}${body}`, v.text);
  }
  // f2 (actor) has the same shape; its payload here is the blake2b-160 of some bytes.
  const payload = blake2b(Buffer.from("sealfarm"), { dkLen: 20 });
  const f2 = formatAddress({ protocol: 2, payload });
  const checksum = blake2b(Buffer.concat([Buffer.from([2]), payload]), { dkLen: 4 });
  assert.equal(f2, `f2${base32.baseEncode(Buffer.concat([payload, checksum]))}`);
  assert.equal(hex(parseAddress(f2).payload), hex(payload));
});

test("ID addresses: decimal string, LEB128 payload (go-address: f01024 is 00 80 08)", () => {
  assert.equal(hex(addressToBytes(parseAddress("f00"))), "0000");
  assert.equal(hex(addressToBytes(parseAddress("f01024"))), "008008");
  assert.equal(hex(addressToBytes(idAddress(1000))), "00e807");
  assert.equal(formatAddress(idAddress(1000), "t"), "t01000");
  assert.equal(addressId(parseAddress("f09223372036854775807")), 9223372036854775807n);
  assert.equal(hex(addressToBytes(idAddress(9223372036854775807n))), "00ffffffffffffffff7f");
  assert.throws(() => idAddress(-1), AddressError);
  assert.throws(() => idAddress(2n ** 63n), /0\.\.2\^63-1/);
  assert.throws(() => addressId(parseAddress(EXTERNAL[0]?.text ?? "")), /expected an ID \(f0\) address/);
});

test("bad addresses are refused, naming the input", () => {
  // One payload character of a valid f1 changed: the checksum no longer matches.
  assert.throws(
    () => parseAddress("f1abjyfbp274xpdqcpuaykwkfb43omjotacm2p3za"),
    /f1abjyfbp274xpdqcpuaykwkfb43omjotacm2p3za.*checksum/,
  );
  // The last character only carries padding bits there: the same bytes, but not the canonical string.
  assert.throws(
    () => parseAddress("f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3zb"),
    /not the canonical form of f1abjxfbp274/,
  );
  assert.throws(() => parseAddress("f001000"), /not the canonical form of f01000/);
  assert.throws(() => parseAddress("x01000"), /expected a Filecoin address/);
  assert.throws(() => parseAddress("f5aaaa"), /expected a Filecoin address/);
  assert.throws(() => parseAddress("f1abc"), AddressError);
  assert.throws(() => parseAddress("f0x"), AddressError);
  // Non-canonical LEB128 (0x80 0x00 is 0 with a needless continuation byte).
  assert.throws(() => addressFromBytes(Uint8Array.from([0, 0x80, 0x00])), /not canonical/);
  assert.throws(() => addressFromBytes(Uint8Array.from([9, 1])), /protocol 0\.\.4/);
  assert.throws(() => addressFromBytes(Uint8Array.from([1, 1, 2])), /20-byte payload/);
});
