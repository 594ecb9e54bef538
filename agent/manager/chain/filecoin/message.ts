// A Filecoin message in CBOR (chain/types Message, cbor-gen tuple of 10: Version, To, From, Nonce, Value, GasLimit,
// GasFeeCap, GasPremium, Method, Params) and its CID (dag-cbor, blake2b-256 of those bytes; a BLS-signed message
// is identified by this CID, a secp256k1 one by its SignedMessage's). Pure.
import { formatAddress, parseAddress } from "./address.js";
import { asAddress, asBigInt, asBytes, asInt, asTuple, asUint, cborOf, decodeCbor, encodeCbor } from "./cbor-shape.js";
import { type CID, dagCborCid } from "./cid.js";

export interface ChainMessage {
  version: number;
  to: string;
  from: string;
  nonce: number;
  value: bigint;
  gasLimit: number;
  gasFeeCap: bigint;
  gasPremium: bigint;
  method: number;
  params: Uint8Array;
}

/**
 * A message as a client hands it to MpoolPushMessage: nonce and gas left at zero for the node to fill in (Lotus
 * assigns the nonce and estimates gas; the devnet does the same).
 */
export function messageToFill(o: {
  to: string;
  from: string;
  method: number;
  params: Uint8Array;
  value?: bigint;
}): ChainMessage {
  return {
    version: 0,
    to: o.to,
    from: o.from,
    nonce: 0,
    value: o.value ?? 0n,
    gasLimit: 0,
    gasFeeCap: 0n,
    gasPremium: 0n,
    method: o.method,
    params: o.params,
  };
}

export function encodeMessage(m: ChainMessage): Uint8Array {
  return encodeCbor([
    m.version,
    cborOf.address(parseAddress(m.to)),
    cborOf.address(parseAddress(m.from)),
    m.nonce,
    cborOf.bigInt(m.value),
    m.gasLimit,
    cborOf.bigInt(m.gasFeeCap),
    cborOf.bigInt(m.gasPremium),
    m.method,
    m.params,
  ]);
}

export function decodeMessage(bytes: Uint8Array, path = "message"): ChainMessage {
  const t = asTuple(decodeCbor(bytes, path), 10, path);
  return {
    version: asUint(t[0], `${path}/Version`),
    to: formatAddress(asAddress(t[1], `${path}/To`)),
    from: formatAddress(asAddress(t[2], `${path}/From`)),
    nonce: asUint(t[3], `${path}/Nonce`),
    value: asBigInt(t[4], `${path}/Value`),
    gasLimit: asInt(t[5], `${path}/GasLimit`),
    gasFeeCap: asBigInt(t[6], `${path}/GasFeeCap`),
    gasPremium: asBigInt(t[7], `${path}/GasPremium`),
    method: asUint(t[8], `${path}/Method`),
    params: asBytes(t[9], `${path}/Params`),
  };
}

export function messageCid(m: ChainMessage): CID {
  return dagCborCid(encodeMessage(m));
}
