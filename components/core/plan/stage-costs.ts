// What one sector costs in memory, cores and scratch space at each stage, per sector size.
//
// Sources (../shared/docs/reference/curio-lotus.md):
//   §3.1 lotus resources.go: memory = MinMemory + BaseMinMemory (what the lotus scheduler admits against RAM):
//        PC1 32 GiB 56 GiB (+10 MiB), 64 GiB 112 GiB; PC2 32 GiB 15+1 GiB, 64 GiB 30+1 GiB, 512 MiB 1+1 GiB;
//        C2 32 GiB 30+32 GiB (params), 64 GiB 60+64 GiB, 512 MiB 1+10 GiB; GenerateWindowPoSt 32 GiB 30+32 GiB.
//        PC1 with FIL_PROOFS_USE_MULTICORE_SDR takes producers+1 = 4 threads: 2 cores with SMT.
//   §4 disk: in flight a sector takes the layers, tree-D (2x), tree-C + tree-R' (~1.1x), unsealed and sealed
//        copies: 16.1x at 32 GiB (11 layers), "about 16x (~500 GiB)". Sizes below 32 GiB have 2 layers.
// Estimates: 256 MiB floor per processor (a process's own footprint dwarfs 2 KiB of data); 8 MiB C2 1 GiB;
//   64 GiB WindowPoSt scaled from 32 GiB; 10 % of every NVMe kept free (filesystem reserve, temp files).
import type { SectorSizeName } from "../config/sector-size.js";
import { sectorSizeBytes } from "../config/sector-size.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export interface StageCostRow {
  /** SDR layers: 11 for 32/64 GiB, 2 below. */
  readonly layers: number;
  readonly pc1MemoryBytes: number;
  /** Physical cores one PC1 uses (multicore SDR: main + producers). */
  readonly pc1Cores: number;
  readonly pc2MemoryBytes: number;
  readonly c2MemoryBytes: number;
  readonly windowPostMemoryBytes: number;
}

export const stageCosts: Readonly<Record<SectorSizeName, StageCostRow>> = {
  "2KiB": {
    layers: 2,
    pc1MemoryBytes: 256 * MiB,
    pc1Cores: 1,
    pc2MemoryBytes: 256 * MiB,
    c2MemoryBytes: 256 * MiB,
    windowPostMemoryBytes: 256 * MiB,
  },
  "8MiB": {
    layers: 2,
    pc1MemoryBytes: 256 * MiB,
    pc1Cores: 1,
    pc2MemoryBytes: 256 * MiB,
    c2MemoryBytes: 1 * GiB,
    windowPostMemoryBytes: 256 * MiB,
  },
  "512MiB": {
    layers: 2,
    pc1MemoryBytes: 1 * GiB,
    pc1Cores: 1,
    pc2MemoryBytes: 2 * GiB,
    c2MemoryBytes: 11 * GiB,
    windowPostMemoryBytes: 2 * GiB,
  },
  "32GiB": {
    layers: 11,
    pc1MemoryBytes: 56 * GiB,
    pc1Cores: 2,
    pc2MemoryBytes: 16 * GiB,
    c2MemoryBytes: 62 * GiB,
    windowPostMemoryBytes: 62 * GiB,
  },
  "64GiB": {
    layers: 11,
    pc1MemoryBytes: 112 * GiB,
    pc1Cores: 2,
    pc2MemoryBytes: 31 * GiB,
    c2MemoryBytes: 124 * GiB,
    windowPostMemoryBytes: 124 * GiB,
  },
};

/** Fraction of each NVMe the planner fills with sealing stores. */
export const NVME_USABLE_FRACTION = 0.9;
/** Physical cores kept for the OS, the agent, AddPiece and tree_d (and CPU PC2/C2 on hosts without a GPU). */
export const SYSTEM_CORES = 1;
/** Physical cores next to each GPU for its PC2/C2 (or WindowPoSt) host-side work. */
export const CORES_PER_GPU = 2;

/** Scratch bytes one sector occupies while in flight (layers + tree-D 2x + tree-C/R' 1.1x + unsealed + sealed). */
export function sectorFootprintBytes(size: SectorSizeName): number {
  return Math.ceil(sectorSizeBytes(size) * (stageCosts[size].layers + 5.1));
}

/** RAM kept for the OS and the agent: 5 % of the host, at least 1 GiB, at most 16 GiB. */
export function reservedMemoryBytes(ramBytes: number): number {
  return Math.min(16 * GiB, Math.max(1 * GiB, Math.floor(ramBytes * 0.05)));
}
