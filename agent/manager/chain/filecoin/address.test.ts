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

// Vectors of go-address (filecoin-project/go-address, address_test.go at commit d6b8835c8253c3721e8481423d3d23823ca433c5):
// TestVectorSecp256k1Address (public key → t1/f1: payload blake2b-160 of the key), TestVectorActorAddress (input →
// t2/f2: payload blake2b-160 of the input), TestVectorBLSAddress (public key → t3/f3: payload the key itself) and
// TestVectorsIDAddress. Each string carries its blake2b-4 checksum, so a string that parses was copied exactly.
const GO_ADDRESS = {
  secp256k1: [
    {
      key: [
        4, 148, 2, 250, 195, 126, 100, 50, 164, 22, 163, 160, 202, 84, 38, 181, 24, 90, 179, 178, 79, 97, 52, 239, 162,
        92, 228, 135, 200, 45, 46, 78, 19, 191, 69, 37, 17, 224, 210, 36, 84, 33, 248, 97, 59, 193, 13, 114, 250, 33,
        102, 102, 169, 108, 59, 193, 57, 32, 211, 255, 35, 63, 208, 188, 5,
      ],
      text: "t15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq",
    },
    {
      key: [
        4, 118, 135, 185, 16, 55, 155, 242, 140, 190, 58, 234, 103, 75, 18, 0, 12, 107, 125, 186, 70, 255, 192, 95, 108,
        148, 254, 42, 34, 187, 204, 38, 2, 255, 127, 92, 118, 242, 28, 165, 93, 54, 149, 145, 82, 176, 225, 232, 135,
        145, 124, 57, 53, 118, 238, 240, 147, 246, 30, 189, 58, 208, 111, 127, 218,
      ],
      text: "t12fiakbhe2gwd5cnmrenekasyn6v5tnaxaqizq6a",
    },
  ],
  actor: [
    {
      input: [118, 18, 129, 144, 205, 240, 104, 209, 65, 128, 68, 172, 192, 62, 11, 103, 129, 151, 13, 96],
      text: "t24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as6i",
    },
    {
      input: [44, 175, 184, 226, 224, 107, 186, 152, 234, 101, 124, 92, 245, 244, 32, 35, 170, 35, 232, 142],
      text: "t25nml2cfbljvn4goqtclhifepvfnicv6g7mfmmvq",
    },
  ],
  bls: [
    {
      key: [
        173, 88, 223, 105, 110, 45, 78, 145, 234, 134, 200, 129, 233, 56, 186, 78, 168, 27, 57, 94, 18, 121, 123, 132,
        185, 207, 49, 75, 149, 70, 112, 94, 131, 156, 122, 153, 214, 6, 178, 71, 221, 180, 249, 172, 122, 52, 20, 221,
      ],
      text: "t3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a",
    },
  ],
  id: [
    [0, "t00"],
    [150, "t0150"],
    [1024, "t01024"],
    [999999, "t0999999"],
    [9223372036854775807n, "t09223372036854775807"],
  ] as [number | bigint, string][],
};

test("go-address vectors: secp256k1, actor and BLS keys to t1/t2/t3 strings, on both networks", () => {
  const cases = [
    ...GO_ADDRESS.secp256k1.map((v) => ({
      protocol: 1,
      payload: blake2b(Uint8Array.from(v.key), { dkLen: 20 }),
      text: v.text,
    })),
    ...GO_ADDRESS.actor.map((v) => ({
      protocol: 2,
      payload: blake2b(Uint8Array.from(v.input), { dkLen: 20 }),
      text: v.text,
    })),
    ...GO_ADDRESS.bls.map((v) => ({ protocol: 3, payload: Uint8Array.from(v.key), text: v.text })),
  ] as const;
  for (const v of cases) {
    const a = { protocol: v.protocol, payload: v.payload } as Parameters<typeof formatAddress>[0];
    assert.equal(formatAddress(a, "t"), v.text);
    // go-address: the mainnet string is the same with "f".
    assert.equal(formatAddress(a, "f"), `f${v.text.slice(1)}`);
    const parsed = parseAddress(v.text);
    assert.deepEqual([parsed.protocol, hex(parsed.payload)], [v.protocol, hex(v.payload)], v.text);
    assert.equal(formatAddress(addressFromBytes(addressToBytes(parsed)), "t"), v.text);
  }
  for (const [id, text] of GO_ADDRESS.id) {
    assert.equal(formatAddress(idAddress(id), "t"), text);
    assert.equal(addressId(parseAddress(text)), BigInt(id));
  }
});

test("go-address TestInvalidStringAddresses: each refused", () => {
  for (const text of [
    "Q2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y", // unknown network
    "t5gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y", // unknown protocol
    "t2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr24y", // invalid checksum
    "t0banananananannnnnnnnn", // invalid length
    "t0banananananannnnnnn", // invalid payload
    "t2gfvuyh7v2sx3patm1k23wdzmhyhtmqctasbr24y", // '1' is not base32
    "t2gfvuyh7v2sx3paTm1k23wdzmhyhtmqctasbr24y", // 'T' is not base32
    "t2",
    "t1234q",
    "t",
    "t0",
  ])
    assert.throws(() => parseAddress(text), AddressError, text);
});

// Address strings from the Filecoin spec's address section (f1…, f3…) and the Lotus docs (t1…), kept as more
// round-trip cases (their checksums prove them exact).
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
