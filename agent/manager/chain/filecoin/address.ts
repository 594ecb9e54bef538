// Filecoin addresses (f0 ID, f1 secp256k1, f2 actor, f3 BLS, f4 delegated): the string form is
// network ‖ protocol digit ‖ base32-lower-unpadded(payload ‖ blake2b-4(protocol ‖ payload)), except f0 which is the
// decimal ID; the byte form (CBOR, actor state) is protocol ‖ payload, the ID as LEB128. Parsing and checksums are
// @glif/filecoin-address's; this file only gives them our types and error messages.
import * as glif from "@glif/filecoin-address";

export type AddressProtocol = 0 | 1 | 2 | 3 | 4;
export type Network = "f" | "t";

export interface FilAddress {
  readonly protocol: AddressProtocol;
  /** ID: LEB128 of the ID; secp256k1/actor: 20-byte blake2b-160; BLS: 48-byte public key; delegated: namespace ‖ sub-address. */
  readonly payload: Uint8Array;
}

export class AddressError extends Error {
  override name = "AddressError";
}

function fromGlif(a: glif.Address): FilAddress {
  return { protocol: a.protocol() as AddressProtocol, payload: Uint8Array.from(a.payload()) };
}

function toGlif(a: FilAddress, network: Network = "f"): glif.Address {
  return glif.newAddress(a.protocol as glif.Protocol, a.payload, network as glif.CoinType);
}

/** Parses "f01000", "f1…", "t3…": the network letter, the protocol, the payload length and the checksum are checked. */
export function parseAddress(text: string): FilAddress {
  if (!/^[ft][0-4]/.test(text))
    throw new AddressError(`expected a Filecoin address like "f01000" or "f1…", got ${JSON.stringify(text)}`);
  let a: FilAddress;
  try {
    a = fromGlif(glif.newFromString(text));
  } catch (error) {
    throw new AddressError(`${JSON.stringify(text)} is not a valid Filecoin address: ${(error as Error).message}`);
  }
  // One address, one string: refuses leading zeros in an ID and non-zero padding bits in the last base32 character.
  if (formatAddress(a, text[0] as Network) !== text)
    throw new AddressError(
      `${JSON.stringify(text)} is not the canonical form of ${formatAddress(a, text[0] as Network)}`,
    );
  return a;
}

const PAYLOAD_BYTES: Partial<Record<AddressProtocol, number>> = { 1: 20, 2: 20, 3: 48 };

export function formatAddress(a: FilAddress, network: Network = "f"): string {
  const want = PAYLOAD_BYTES[a.protocol];
  if (want !== undefined && a.payload.length !== want)
    throw new AddressError(
      `a protocol ${a.protocol} address has a ${want}-byte payload, got ${a.payload.length} bytes`,
    );
  return glif.encode(network, toGlif(a, network));
}

/** The byte form used in CBOR: protocol ‖ payload. */
export function addressToBytes(a: FilAddress): Uint8Array {
  return Uint8Array.from(toGlif(a).bytes);
}

export function addressFromBytes(bytes: Uint8Array): FilAddress {
  const protocol = bytes[0];
  if (protocol === undefined || protocol > 4)
    throw new AddressError(
      `expected address bytes starting with a protocol 0..4, got ${Buffer.from(bytes).toString("hex")}`,
    );
  // Formatting and parsing back checks the payload (length, and for f0 a canonical LEB128) as a string would be.
  const a: FilAddress = { protocol: protocol as AddressProtocol, payload: bytes.slice(1) };
  let text: string;
  try {
    text = formatAddress(a);
  } catch (error) {
    throw new AddressError(`address bytes ${Buffer.from(bytes).toString("hex")}: ${(error as Error).message}`);
  }
  const back = parseAddress(text);
  if (!equalBytes(addressToBytes(back), bytes))
    throw new AddressError(`address bytes ${Buffer.from(bytes).toString("hex")} are not canonical`);
  return back;
}

export function idAddress(id: number | bigint): FilAddress {
  const n = BigInt(id);
  // go-address refuses IDs above MaxInt64.
  if (n < 0n || n > 0x7fff_ffff_ffff_ffffn) throw new AddressError(`expected an actor ID 0..2^63-1, got ${n}`);
  return fromGlif(glif.newIDAddress(n.toString()));
}

/** The actor ID of an f0 address. */
export function addressId(a: FilAddress): bigint {
  if (a.protocol !== 0) throw new AddressError(`expected an ID (f0) address, got ${formatAddress(a)}`);
  let n = 0n;
  let shift = 0n;
  for (const b of a.payload) {
    n |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  }
  return n;
}

export function isSameAddress(a: FilAddress, b: FilAddress): boolean {
  return a.protocol === b.protocol && equalBytes(a.payload, b.payload);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
