// The one home of Filecoin's sector sizes and the registered proofs built on them, with their numeric ids, spelled
// as rust-fil-proofs (filecoin-proofs-api's serde variant names) and damocles spell them on the wire. Pure.
//
//   RegisteredSealProof   id = family*5 + size index: 0..4 V1, 5..9 V1_1, 10..14 V1_1_Feat_SyntheticPoRep,
//                         15..19 V1_2_Feat_NonInteractivePoRep ("StackedDrg32GiBV1_1" is 8)
//   RegisteredPoStProof   0..4 StackedDrgWinning<size>V1, 5..9 StackedDrgWindow<size>V1, 10..14 the chain's
//                         StackedDrgWindow<size>V1_1, which filecoin-proofs-api names StackedDrgWindow<size>V1_2
//                         (what a WdPoSt job carries)
//   RegisteredUpdateProof 0..4 StackedDrg<size>V1, one per size whatever the sealed sector's family
//
// The Rust side has the same tables (native/src/ids.rs, snap/params.rs); registered-proofs.test.ts compares this
// module with `sealfarm-proofs ids --json`.
import { type PaddedBytes, paddedBytes, parseBytes } from "../units/bytes.js";

/** The five sector sizes, by the names damocles uses in `allowed_sizes` and in proof names. */
export const sectorSizeNames = ["2KiB", "8MiB", "512MiB", "32GiB", "64GiB"] as const;
export type SectorSizeName = (typeof sectorSizeNames)[number];

const sizeBytes: Readonly<Record<SectorSizeName, PaddedBytes>> = {
  "2KiB": paddedBytes(2 * 1024),
  "8MiB": paddedBytes(8 * 1024 ** 2),
  "512MiB": paddedBytes(512 * 1024 ** 2),
  "32GiB": paddedBytes(32 * 1024 ** 3),
  "64GiB": paddedBytes(64 * 1024 ** 3),
};

export function isSectorSizeName(text: string): text is SectorSizeName {
  return (sectorSizeNames as readonly string[]).includes(text);
}

/** Padded bytes of a sector of this size. */
export function sectorSizeBytes(size: SectorSizeName): PaddedBytes {
  return sizeBytes[size];
}

const expectedSize = `a sector size, one of ${sectorSizeNames.map((s) => `"${s}"`).join(", ")}`;

/** The size a byte count is, or undefined when it is not one of Filecoin's five. */
function sizeNameOf(bytes: number): SectorSizeName | undefined {
  return sectorSizeNames.find((name) => sizeBytes[name] === bytes);
}

/** Parses a sector size in any byte notation ("2KiB", "2 KiB", "2048"); only Filecoin's five sizes are accepted. */
export function parseSectorSize(text: string): PaddedBytes {
  let name: SectorSizeName | undefined;
  try {
    name = sizeNameOf(parseBytes(text));
  } catch {
    name = undefined;
  }
  if (name === undefined) throw new Error(`expected ${expectedSize}, got ${JSON.stringify(text)}`);
  return sizeBytes[name];
}

/** The name of a sector size in bytes ("2KiB"); throws for anything else. */
export function sectorSizeName(bytes: PaddedBytes): SectorSizeName {
  const name = sizeNameOf(bytes);
  if (name === undefined) throw new Error(`${bytes} bytes is not a Filecoin sector size`);
  return name;
}

/** RegisteredSealProof families, in id order. */
const sealProofFamilies = ["V1", "V1_1", "V1_1_Feat_SyntheticPoRep", "V1_2_Feat_NonInteractivePoRep"] as const;

export interface SealProof {
  /** abi.RegisteredSealProof. */
  id: number;
  /** filecoin-proofs-api's variant name: "StackedDrg2KiBV1_1". */
  name: string;
  sizeLabel: SectorSizeName;
  sectorSizeBytes: PaddedBytes;
  /** The WindowPoSt proof a WdPoSt job carries for these sectors: the chain's V1_1, named `…V1_2` by the API. */
  windowPostProof: string;
  winningPostProof: string;
  /** The RegisteredUpdateProof a sector of this type is upgraded with (SnapDeals). */
  updateProof: string;
}

export const sealProofs: readonly SealProof[] = sealProofFamilies.flatMap((family) =>
  sectorSizeNames.map((size, i) => ({
    id: sealProofFamilies.indexOf(family) * sectorSizeNames.length + i,
    name: `StackedDrg${size}${family}`,
    sizeLabel: size,
    sectorSizeBytes: sizeBytes[size],
    windowPostProof: `StackedDrgWindow${size}V1_2`,
    winningPostProof: `StackedDrgWinning${size}V1`,
    updateProof: `StackedDrg${size}V1`,
  })),
);

export interface PoStProof {
  /** abi.RegisteredPoStProof. */
  id: number;
  name: string;
  kind: "winning" | "window";
  sectorSizeBytes: PaddedBytes;
}

export const postProofs: readonly PoStProof[] = [
  ...sectorSizeNames.map((size, i) => ({ id: i, name: `StackedDrgWinning${size}V1`, kind: "winning" as const, size })),
  ...sectorSizeNames.map((size, i) => ({
    id: 5 + i,
    name: `StackedDrgWindow${size}V1`,
    kind: "window" as const,
    size,
  })),
  ...sectorSizeNames.map((size, i) => ({
    id: 10 + i,
    name: `StackedDrgWindow${size}V1_2`,
    kind: "window" as const,
    size,
  })),
].map(({ size, ...p }) => ({ ...p, sectorSizeBytes: sizeBytes[size] }));

export interface UpdateProof {
  /** abi.RegisteredUpdateProof. */
  id: number;
  name: string;
  sectorSizeBytes: PaddedBytes;
}

export const updateProofs: readonly UpdateProof[] = sectorSizeNames.map((size, i) => ({
  id: i,
  name: `StackedDrg${size}V1`,
  sectorSizeBytes: sizeBytes[size],
}));

/** The seal proof with this abi.RegisteredSealProof id, or undefined. */
export function sealProofInfo(id: number): SealProof | undefined {
  return Number.isInteger(id) ? sealProofs[id] : undefined;
}

export function sealProofByName(name: string): SealProof | undefined {
  return sealProofs.find((p) => p.name === name);
}

function knownSealProof(id: number): SealProof {
  const proof = sealProofInfo(id);
  if (proof === undefined) throw new Error(`unknown seal proof type ${id}`);
  return proof;
}

/** The sector size of an abi.RegisteredSealProof id; throws for an unknown id. */
export function sectorSizeOfSealProof(id: number): PaddedBytes {
  return knownSealProof(id).sectorSizeBytes;
}

/** The variant name of a seal proof id, as processors expect it ("StackedDrg2KiBV1_1"). */
export function sealProofName(id: number): string {
  return knownSealProof(id).name;
}

/** The update proof name a seal proof id is upgraded with ("StackedDrg32GiBV1"), as the snap stages expect it. */
export function updateProofName(id: number): string {
  return knownSealProof(id).updateProof;
}

/** The seal proof ids a WindowPoSt of this sector size may see: V1_1, synthetic and non-interactive PoRep. */
export function sealProofTypesForSize(bytes: PaddedBytes): number[] {
  const name = sectorSizeName(bytes);
  return sealProofs.filter((p) => p.sizeLabel === name && p.id >= 5).map((p) => p.id);
}
