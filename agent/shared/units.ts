// Units at the edge: duration strings ("30s", "5min", "1h 30m") and byte sizes ("2KiB", "32GiB") are parsed
// once, where config is read, into numbers whose unit is in the name (`…Ms`) or in a branded type.

/** Bytes of a sector or piece as stored on disk (fr32-padded). */
export type PaddedBytes = number & { readonly __unit: "padded-bytes" };
/** Bytes of user data before fr32 padding (127/128 of the padded size). */
export type UnpaddedBytes = number & { readonly __unit: "unpadded-bytes" };

export const paddedBytes = (n: number): PaddedBytes => n as PaddedBytes;
export const unpaddedBytes = (n: number): UnpaddedBytes => n as UnpaddedBytes;
export const toUnpadded = (p: PaddedBytes): UnpaddedBytes => unpaddedBytes(p - p / 128);
export const toPadded = (u: UnpaddedBytes): PaddedBytes => paddedBytes(u + u / 127);

// humantime's suffixes (damocles-worker parses durations with the `humantime` crate).
const durationUnitsMs: Record<string, number> = {
  ns: 1e-6,
  nsec: 1e-6,
  us: 1e-3,
  usec: 1e-3,
  ms: 1,
  msec: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Parses "30s", "5min", "1h 30m", "500ms" into milliseconds; throws naming what was expected. */
export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;
  let total = 0;
  let matched = 0;
  let pos = 0;
  while (pos < trimmed.length) {
    while (trimmed[pos] === " ") pos++;
    if (pos >= trimmed.length) break;
    re.lastIndex = pos;
    const m = re.exec(trimmed);
    const unit = m?.[2] === undefined ? undefined : durationUnitsMs[m[2]];
    if (m === null || unit === undefined) {
      throw new Error(`expected a duration like "30s", "5min" or "1h 30m", got ${JSON.stringify(text)}`);
    }
    total += Number(m[1]) * unit;
    matched++;
    pos = re.lastIndex;
  }
  if (matched === 0) throw new Error(`expected a duration like "30s", "5min" or "1h 30m", got ${JSON.stringify(text)}`);
  return total;
}

/** Formats milliseconds the short way for logs and tables: 850ms, 12.3s, 4m05s, 1h02m. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const sizeUnits: Record<string, number> = {
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

/** The sector sizes Filecoin defines, padded bytes, with their names as used in proof type names. */
export const sectorSizes: ReadonlyArray<{ name: string; bytes: PaddedBytes }> = [
  { name: "2KiB", bytes: paddedBytes(2048) },
  { name: "8MiB", bytes: paddedBytes(8 << 20) },
  { name: "512MiB", bytes: paddedBytes(512 << 20) },
  { name: "32GiB", bytes: paddedBytes(32 * 1024 ** 3) },
  { name: "64GiB", bytes: paddedBytes(64 * 1024 ** 3) },
];

/** Parses a sector size string; only Filecoin's five sizes are accepted. */
export function parseSectorSize(text: string): PaddedBytes {
  const bytes = parseBytes(text);
  const known = sectorSizes.find((s) => s.bytes === bytes);
  if (known === undefined) {
    throw new Error(
      `expected a sector size, one of ${sectorSizes.map((s) => `"${s.name}"`).join(", ")}, got ${JSON.stringify(text)}`,
    );
  }
  return known.bytes;
}

export function sectorSizeName(bytes: PaddedBytes): string {
  const known = sectorSizes.find((s) => s.bytes === bytes);
  if (known === undefined) throw new Error(`${bytes} bytes is not a Filecoin sector size`);
  return known.name;
}

/** abi.RegisteredSealProof numbers: 0..4 V1, 5..9 V1_1, 10..14 V1_1_Feat_SyntheticPoRep, 15..19 NI-PoRep. */
export function sealProofTypesForSize(bytes: PaddedBytes): number[] {
  const i = sectorSizes.findIndex((s) => s.bytes === bytes);
  if (i < 0) throw new Error(`${bytes} bytes is not a Filecoin sector size`);
  return [5 + i, 10 + i, 15 + i];
}

/** The sector size of an abi.RegisteredSealProof number. */
export function sectorSizeOfSealProof(proofType: number): PaddedBytes {
  const size = Number.isInteger(proofType) && proofType >= 0 && proofType < 20 ? sectorSizes[proofType % 5] : undefined;
  if (size === undefined) throw new Error(`unknown seal proof type ${proofType}`);
  return size.bytes;
}

/**
 * The rust-fil-proofs RegisteredUpdateProof a seal proof type is upgraded with (filecoin-proofs-api: one update
 * proof per sector size, "StackedDrg32GiBV1"), as the snap stages expect it.
 */
export function updateProofName(proofType: number): string {
  return `StackedDrg${sectorSizeName(sectorSizeOfSealProof(proofType))}V1`;
}

/** The rust-fil-proofs variant name of a seal proof type, as processors expect it ("StackedDrg2KiBV1_1"). */
export function sealProofName(proofType: number): string {
  const size = sectorSizeName(sectorSizeOfSealProof(proofType));
  const family = Math.floor(proofType / 5);
  const suffix = ["V1", "V1_1", "V1_1_Feat_SyntheticPoRep", "V1_2_Feat_NonInteractivePoRep"][family];
  return `StackedDrg${size}${suffix}`;
}
