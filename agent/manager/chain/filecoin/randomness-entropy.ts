// The entropy sealing mixes into chain randomness: the miner's address marshalled as CBOR (lotus' sealing
// pipeline: `maddr.MarshalCBOR(buf)` before StateGetRandomnessFromTickets/FromBeacon), i.e. a CBOR byte string of
// the address bytes. For f01000: 43 00 e8 07.
import { addressToBytes, type FilAddress } from "./address.js";
import { encodeCbor } from "./cbor-shape.js";

export function addressEntropy(miner: FilAddress): Uint8Array {
  return encodeCbor(addressToBytes(miner));
}
