// Piece CIDs (go-fil-commcid): CIDv1, codec fil-commitment-unsealed (0xf101), multihash
// sha2-256-trunc254-padded (0x1012), 32-byte digest = the raw commitment, multibase base32 lower case ("b…").
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const PREFIX = Buffer.from([0x01, 0x81, 0xe2, 0x03, 0x92, 0x20, 0x20]);

function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Buffer | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** CIDv1, codec fil-commitment-sealed (0xf102), multihash poseidon-bls12_381-a2-fc1 (0xb401), 32-byte digest. */
const SEALED_PREFIX = Buffer.from([0x01, 0x82, 0xe2, 0x03, 0x81, 0xe8, 0x02, 0x20]);

/** A replica's comm_r as the chain names it (SectorPublicInfo.SealedCID, "bagboea4b5abc…"). */
export function sealedCidFromCommR(commR: Uint8Array): string {
  if (commR.length !== 32) throw new RangeError(`comm_r must be 32 bytes, got ${commR.length}`);
  return `b${base32Encode(Buffer.concat([SEALED_PREFIX, commR]))}`;
}

export function pieceCidFromCommitment(commitment: Uint8Array): string {
  if (commitment.length !== 32) throw new RangeError(`commitment must be 32 bytes, got ${commitment.length}`);
  return `b${base32Encode(Buffer.concat([PREFIX, commitment]))}`;
}

/** The raw commitment inside a piece CID, or null if the text is not a fil-commitment-unsealed CID. */
export function commitmentFromPieceCid(cid: string): Buffer | null {
  if (!cid.startsWith("b")) return null;
  const bytes = base32Decode(cid.slice(1));
  if (bytes === null || bytes.length !== PREFIX.length + 32) return null;
  if (!bytes.subarray(0, PREFIX.length).equals(PREFIX)) return null;
  return bytes.subarray(PREFIX.length);
}
