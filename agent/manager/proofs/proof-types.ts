// abi.RegisteredSealProof ids, names, sector sizes and the WindowPoSt proof each seal type proves with
// (reference/damocles.md §5.1, reference/filecoin-proofs.md §4.1). Pure.

const SIZES = [
  { label: "2KiB", bytes: 2048 },
  { label: "8MiB", bytes: 8 << 20 },
  { label: "512MiB", bytes: 512 << 20 },
  { label: "32GiB", bytes: 32 * 2 ** 30 },
  { label: "64GiB", bytes: 64 * 2 ** 30 },
] as const;

const VERSIONS = ["V1", "V1_1", "V1_1_Feat_SyntheticPoRep", "V1_2_Feat_NonInteractivePoRep"] as const;

export interface SealProofInfo {
  id: number;
  name: string;
  sectorSizeBytes: number;
  sizeLabel: string;
  /** The string a WdPoSt job carries: actor V1_1 window proofs are sent as `…V1_2`. */
  windowPostProof: string;
}

export function sealProofInfo(id: number): SealProofInfo | undefined {
  if (!Number.isInteger(id) || id < 0 || id >= SIZES.length * VERSIONS.length) return undefined;
  const size = SIZES[id % SIZES.length];
  const version = VERSIONS[Math.floor(id / SIZES.length)];
  if (size === undefined || version === undefined) return undefined;
  return {
    id,
    name: `StackedDrg${size.label}${version}`,
    sectorSizeBytes: size.bytes,
    sizeLabel: size.label,
    windowPostProof: `StackedDrgWindow${size.label}V1_2`,
  };
}

export function sealProofByName(name: string): SealProofInfo | undefined {
  for (let id = 0; id < SIZES.length * VERSIONS.length; id++) {
    const info = sealProofInfo(id);
    if (info?.name === name) return info;
  }
  return undefined;
}

export function allSealProofNames(): string[] {
  const names: string[] = [];
  for (let id = 0; id < SIZES.length * VERSIONS.length; id++) names.push(sealProofInfo(id)?.name ?? "");
  return names;
}
