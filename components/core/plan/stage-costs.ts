// The one stage-cost table: what one sector costs in memory, cores and scratch space at each stage, per sector
// size. The planner sizes hosts from it (plan-host.ts) and the worker's admission check reads the same rows
// through `stageCost` (agent/worker/resources/stage-cost.ts).
//
// Sources (public upstream code and docs):
//   lotus storage/sealer/storiface/resources.go: PC1 32 GiB MinMemory 56 GiB, MaxMemory 64 GiB, 64 GiB 112/128 GiB;
//        PC2 32 GiB 15+1 GiB, 64 GiB 30+1 GiB, 512 MiB 1+1 GiB;
//        C2 32 GiB 30+32 GiB (params), 64 GiB 60+64 GiB, 512 MiB 1+10 GiB;
//        GenerateWindowPoSt 32 GiB 30+32 GiB. PC1 with FIL_PROOFS_USE_MULTICORE_SDR takes producers+1 = 4 threads:
//        2 cores with SMT.
//   PC1 memory is twice the sector size (64 GiB at 32 GiB, 128 GiB at 64 GiB), not lotus' 56 GiB: rust-fil-proofs'
//        SDR maps two buffers the size of the sector (the layer being labelled and the one before it), so damocles
//        gives each PC1 64 GiB of hugepages per 32 GiB sector and lists PC1 at "<= 64GiB" (damocles.venus-fil.io,
//        operation/hugeTLB and worker-config-guide), and Curio's SDR task declares 64 GiB + 256 MiB. lotus' 56 GiB
//        is its MinMemory ("acceptable performance", leaning on swap); its MaxMemory is the same 64 GiB. A planner
//        without swap must fit the peak.
//   disk: in flight a sector takes the layers, tree-D (2x), tree-C + tree-R' (~1.1x), unsealed and sealed
//        copies: 16.1x at 32 GiB (11 layers), "about 16x (~500 GiB)". Sizes below 32 GiB have 2 layers.
// Estimates: 256 MiB floor per processor (a process's own footprint dwarfs 2 KiB of data); 8 MiB C2 1 GiB;
//   64 GiB WindowPoSt scaled from 32 GiB; 10 % of every NVMe kept free (filesystem reserve, temp files).
import type { SectorSizeName } from "../proofs/registered-proofs.js";
import { sectorSizeBytes } from "../proofs/registered-proofs.js";

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
    pc1MemoryBytes: 64 * GiB,
    pc1Cores: 2,
    pc2MemoryBytes: 16 * GiB,
    c2MemoryBytes: 62 * GiB,
    windowPostMemoryBytes: 62 * GiB,
  },
  "64GiB": {
    layers: 11,
    pc1MemoryBytes: 128 * GiB,
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

/** What one task of a stage needs to run: the worker admits it only when this fits (Curio's `TaskTypeDetails.Cost`). */
export interface StageCost {
  readonly cores: number;
  readonly gpus: number;
  readonly ramBytes: number;
}

/** A processor's own floor: a stage the table has no row for costs one core and this much memory. */
const PROCESSOR_FLOOR_BYTES = 256 * MiB;

/**
 * The cost of one task of a damocles stage (`pc1`, `pc2`, `c2`, `window_post`, …) for a sector size, from the
 * rows above. PC2, C2 and WindowPoSt run on a GPU with its host-side cores; the light stages (add_pieces,
 * tree_d, c1, transfer, …) take one core and a processor's floor.
 */
export function stageCost(stage: string, size: SectorSizeName): StageCost {
  const row = stageCosts[size];
  switch (stage) {
    case "pc1":
      return { cores: row.pc1Cores, gpus: 0, ramBytes: row.pc1MemoryBytes };
    case "pc2":
      return { cores: CORES_PER_GPU, gpus: 1, ramBytes: row.pc2MemoryBytes };
    case "c2":
      return { cores: CORES_PER_GPU, gpus: 1, ramBytes: row.c2MemoryBytes };
    case "window_post":
      return { cores: CORES_PER_GPU, gpus: 1, ramBytes: row.windowPostMemoryBytes };
    default:
      return { cores: 1, gpus: 0, ramBytes: PROCESSOR_FLOOR_BYTES };
  }
}

/** Scratch bytes one sector occupies while in flight (layers + tree-D 2x + tree-C/R' 1.1x + unsealed + sealed). */
export function sectorFootprintBytes(size: SectorSizeName): number {
  return Math.ceil(sectorSizeBytes(size) * (stageCosts[size].layers + 5.1));
}

/** RAM kept for the OS and the agent: 5 % of the host, at least 1 GiB, at most 16 GiB. */
export function reservedMemoryBytes(ramBytes: number): number {
  return Math.min(16 * GiB, Math.max(1 * GiB, Math.floor(ramBytes * 0.05)));
}
