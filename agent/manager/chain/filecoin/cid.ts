// CIDs as Filecoin uses them: chain objects (blocks, messages, receipts) are DAG-CBOR hashed with blake2b-256
// ("bafy2bzace…"); sealed and unsealed sector commitments are fil-commitment CIDs (the manager's proofs/piece-cid.ts).
// In Lotus' JSON a CID is {"/": "<base32 string>"}. Parsing and encoding are multiformats'.
import { blake2b } from "@noble/hashes/blake2.js";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

export { CID };

export const DAG_CBOR = 0x71;
export const BLAKE2B_256 = 0xb220;
export const FIL_COMMITMENT_SEALED = 0xf102;
export const FIL_COMMITMENT_UNSEALED = 0xf101;
export const POSEIDON_BLS12_381_A2_FC1 = 0xb401;
export const SHA2_256_TRUNC254_PADDED = 0x1012;

export class CidFormatError extends Error {
  override name = "CidFormatError";
}

export function parseCid(text: string): CID {
  try {
    return CID.parse(text);
  } catch (error) {
    throw new CidFormatError(`expected a CID, got ${JSON.stringify(text)}: ${(error as Error).message}`);
  }
}

/** The CID Filecoin gives a DAG-CBOR object: CIDv1, dag-cbor, blake2b-256 of the encoded bytes. */
export function dagCborCid(encoded: Uint8Array): CID {
  return CID.createV1(DAG_CBOR, Digest.create(BLAKE2B_256, blake2b(encoded, { dkLen: 32 })));
}

/** CommR as a CID: fil-commitment-sealed with the poseidon-bls12_381-a2-fc1 multihash of the 32 bytes. */
export function sealedCid(commR: Uint8Array): CID {
  if (commR.length !== 32) throw new CidFormatError(`expected a 32-byte comm_r, got ${commR.length} bytes`);
  return CID.createV1(FIL_COMMITMENT_SEALED, Digest.create(POSEIDON_BLS12_381_A2_FC1, commR));
}

/** CommD as a CID: fil-commitment-unsealed with the sha2-256-trunc254-padded multihash. */
export function unsealedCid(commD: Uint8Array): CID {
  if (commD.length !== 32) throw new CidFormatError(`expected a 32-byte comm_d, got ${commD.length} bytes`);
  return CID.createV1(FIL_COMMITMENT_UNSEALED, Digest.create(SHA2_256_TRUNC254_PADDED, commD));
}

/** The 32 commitment bytes of a sealed (CommR) or unsealed (CommD/CommP) commitment CID, checking its codec. */
export function commitmentOf(cid: CID, kind: "sealed" | "unsealed"): Uint8Array {
  const [codec, hash] =
    kind === "sealed"
      ? [FIL_COMMITMENT_SEALED, POSEIDON_BLS12_381_A2_FC1]
      : [FIL_COMMITMENT_UNSEALED, SHA2_256_TRUNC254_PADDED];
  if (cid.code !== codec || cid.multihash.code !== hash || cid.multihash.digest.length !== 32)
    throw new CidFormatError(`expected a ${kind} sector commitment CID, got ${cid.toString()}`);
  return cid.multihash.digest;
}

export interface CidJson {
  "/": string;
}

export function cidToJson(cid: CID): CidJson {
  return { "/": cid.toString() };
}

export function cidFromJson(value: unknown): CID {
  if (typeof value !== "object" || value === null || typeof (value as Record<string, unknown>)["/"] !== "string")
    throw new CidFormatError(`expected a CID as {"/": "bafy…"}, got ${JSON.stringify(value)}`);
  return parseCid((value as CidJson)["/"]);
}
