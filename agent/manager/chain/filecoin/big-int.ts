// Filecoin's BigInt (token amounts, power, pledge): in CBOR a byte string holding a sign byte (0x00 positive,
// 0x01 negative) and the big-endian magnitude, with zero as the empty string (go-state-types big.Int); in Lotus'
// JSON a decimal string.

export class BigIntFormatError extends Error {
  override name = "BigIntFormatError";
}

export function bigIntToBytes(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const negative = value < 0n;
  let hex = (negative ? -value : value).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Uint8Array.from([negative ? 1 : 0, ...Buffer.from(hex, "hex")]);
}

export function bigIntFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const sign = bytes[0];
  if (sign !== 0 && sign !== 1)
    throw new BigIntFormatError(
      `expected a BigInt sign byte 0x00 or 0x01, got 0x${(sign ?? 0).toString(16).padStart(2, "0")}`,
    );
  const magnitude = bytes.length > 1 ? BigInt(`0x${Buffer.from(bytes.subarray(1)).toString("hex")}`) : 0n;
  return sign === 1 ? -magnitude : magnitude;
}

const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;

/** Lotus' JSON for a BigInt ("1000000000000000000" for 1 FIL in attoFIL). */
export function bigIntToJson(value: bigint): string {
  return value.toString(10);
}

export function bigIntFromJson(value: unknown): bigint {
  if (typeof value !== "string" || !DECIMAL.test(value) || value === "-0")
    throw new BigIntFormatError(`expected a BigInt as a decimal string like "1000", got ${JSON.stringify(value)}`);
  return BigInt(value);
}

export const ATTO_PER_FIL = 10n ** 18n;

/** "0.5 FIL" style rendering for logs and the CLI (attoFIL in, trailing zeros trimmed). */
export function formatFil(atto: bigint): string {
  const negative = atto < 0n;
  const abs = negative ? -atto : atto;
  const whole = abs / ATTO_PER_FIL;
  const frac = (abs % ATTO_PER_FIL).toString().padStart(18, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac === "" ? "" : `.${frac}`} FIL`;
}

/** Parses "0.5", "0.5 FIL", "500000000000000000 attoFIL" (the fee knobs of manager.toml) into attoFIL. */
export function parseFil(text: string): bigint {
  const m = /^\s*([0-9]+)(?:\.([0-9]{1,18}))?\s*(FIL|attoFIL)?\s*$/i.exec(text);
  if (m === null)
    throw new BigIntFormatError(`expected an amount like "0.05 FIL" or "5000 attoFIL", got ${JSON.stringify(text)}`);
  const unit = (m[3] ?? "FIL").toLowerCase();
  if (unit === "attofil") {
    if (m[2] !== undefined) throw new BigIntFormatError(`attoFIL is indivisible, got ${JSON.stringify(text)}`);
    return BigInt(m[1] ?? "0");
  }
  return BigInt(m[1] ?? "0") * ATTO_PER_FIL + BigInt((m[2] ?? "").padEnd(18, "0") || "0");
}
