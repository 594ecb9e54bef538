// The five Filecoin sector sizes, by the names damocles uses in `allowed_sizes` and proof type names.

export const sectorSizeNames = ["2KiB", "8MiB", "512MiB", "32GiB", "64GiB"] as const;
export type SectorSizeName = (typeof sectorSizeNames)[number];

const bytesByName: Record<SectorSizeName, number> = {
  "2KiB": 2 * 1024,
  "8MiB": 8 * 1024 ** 2,
  "512MiB": 512 * 1024 ** 2,
  "32GiB": 32 * 1024 ** 3,
  "64GiB": 64 * 1024 ** 3,
};

export function isSectorSizeName(text: string): text is SectorSizeName {
  return (sectorSizeNames as readonly string[]).includes(text);
}

/** Padded bytes of a sector of this size. */
export function sectorSizeBytes(size: SectorSizeName): number {
  return bytesByName[size];
}

/** Parses a sector size name, throwing a message that lists the accepted names. */
export function parseSectorSizeName(text: string): SectorSizeName {
  if (isSectorSizeName(text)) return text;
  throw new Error(`expected a sector size, one of ${sectorSizeNames.map((s) => `"${s}"`).join(", ")}, got "${text}"`);
}
