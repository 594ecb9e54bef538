// Byte sizes at the edge: "2KiB", "32GiB", "8 MiB" or a plain count are parsed once, where config is read, into
// numbers; sector and piece sizes carry their fr32 padding in a branded type so padded and unpadded cannot mix.

/** Bytes of a sector or piece as stored on disk (fr32-padded). */
export type PaddedBytes = number & { readonly __unit: "padded-bytes" };
/** Bytes of user data before fr32 padding (127/128 of the padded size). */
export type UnpaddedBytes = number & { readonly __unit: "unpadded-bytes" };

export const paddedBytes = (n: number): PaddedBytes => n as PaddedBytes;
export const unpaddedBytes = (n: number): UnpaddedBytes => n as UnpaddedBytes;
export const toUnpadded = (p: PaddedBytes): UnpaddedBytes => unpaddedBytes(p - p / 128);
export const toPadded = (u: UnpaddedBytes): PaddedBytes => paddedBytes(u + u / 127);

const sizeUnits: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/** Parses "2KiB", "32GiB", "8 MiB" or a plain byte count into bytes. */
export function parseBytes(text: string | number): number {
  if (typeof text === "number") {
    if (Number.isSafeInteger(text) && text >= 0) return text;
    throw new Error(`expected a byte size like "32GiB" or a non-negative integer, got ${text}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m?.[2] === undefined ? undefined : sizeUnits[m[2].toLowerCase()];
  if (m === null || unit === undefined) {
    throw new Error(`expected a byte size like "2KiB", "8MiB" or "32GiB", got ${JSON.stringify(text)}`);
  }
  const bytes = Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes)) throw new Error(`byte size ${JSON.stringify(text)} is not a whole number of bytes`);
  return bytes;
}
