import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { zeroCommitment } from "../../proofs/comm-d.js";
import {
  BLAKE2B_256,
  CidFormatError,
  cidFromJson,
  cidToJson,
  commitmentOf,
  DAG_CBOR,
  dagCborCid,
  parseCid,
  sealedCid,
  unsealedCid,
} from "./cid.js";

test("the example CID of the Lotus API docs is a dag-cbor, blake2b-256 CIDv1 and round-trips through JSON", () => {
  // Lotus' documentation/en/api-v1-unstable-methods.md uses this CID in every example ({"/": "bafy2bzacea3w…"}).
  const text = "bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4";
  const cid = cidFromJson({ "/": text });
  assert.equal(cid.version, 1);
  assert.equal(cid.code, DAG_CBOR);
  assert.equal(cid.multihash.code, BLAKE2B_256);
  assert.deepEqual(cidToJson(cid), { "/": text });
  assert.throws(() => cidFromJson(text), /expected a CID as \{"\/": "bafy…"\}/);
  assert.throws(() => cidFromJson({ "/": "bafy2bzaceZ" }), CidFormatError);
});

test("well-known CIDs: the empty identity block and the empty raw block", () => {
  // bafkqaaa: CIDv1, raw (0x55), identity multihash of zero bytes = 01 55 00 00 in base32.
  assert.deepEqual([...parseCid("bafkqaaa").bytes], [0x01, 0x55, 0x00, 0x00]);
  // The raw CIDv1 of the empty file (IPFS docs), from the FIPS SHA-256 of "" (e3b0c442…).
  const empty = CID.createV1(0x55, Digest.create(0x12, createHash("sha256").digest()));
  assert.equal(empty.toString(), "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
});

test("sector commitments as CIDs: CommD matches lotus' zero-piece CID, CommR has the bagboea4b5abc prefix", () => {
  // lotus zerocomm: the CommD of an empty 2 KiB sector (also pinned in proofs/piece-cid.test.ts).
  const commD = zeroCommitment(2048);
  assert.equal(unsealedCid(commD).toString(), "baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy");
  const commR = Uint8Array.from({ length: 32 }, (_, i) => i);
  const r = sealedCid(commR);
  // fil-commitment-sealed 0xf102 + poseidon-bls12_381-a2-fc1 0xb401: every CommR CID on chain starts so.
  assert.ok(r.toString().startsWith("bagboea4b5abc"), r.toString());
  assert.deepEqual([...commitmentOf(r, "sealed")], [...commR]);
  assert.deepEqual([...commitmentOf(unsealedCid(commD), "unsealed")], [...commD]);
  assert.throws(() => commitmentOf(r, "unsealed"), /expected a unsealed sector commitment CID, got bagboea4b5abc/);
  assert.throws(() => sealedCid(new Uint8Array(31)), /32-byte comm_r, got 31/);
});

test("dag-cbor CIDs hash the encoded bytes with blake2b-256", () => {
  const a = dagCborCid(Uint8Array.from([0x80]));
  assert.equal(a.code, DAG_CBOR);
  assert.ok(a.toString().startsWith("bafy2bzace"));
  assert.notEqual(a.toString(), dagCborCid(Uint8Array.from([0xa0])).toString());
});
