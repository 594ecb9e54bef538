// Stage timings per sector size: the one data table the capacity report reads. A sealing thread holds one sector
// from AddPiece to Finalize, so its cycle is the sum of these (WaitSeed included: the sector occupies the thread's
// store while it waits for the chain).
//
// Sources (../shared/docs/reference/curio-lotus.md §4 "Performance anchors", 32 GiB unless noted):
//   add_pieces  ~1.5 min for 32 GiB (lotus-docs operate/benchmarks.md)
//   pc1         ~3 h, about 16 min per layer x 11 layers, SHA-NI CPU (filecoin-docs sealing-pipeline.md; lotus-docs
//               benchmarks.md: 3h10m)
//   pc2         10-20 min on a capable GPU (filecoin-docs sealing-pipeline.md; bench 14m17s): midpoint 15 min
//   wait_seed   150 epochs x 30 s = 75 min (interactive PoRep chain rule)
//   c1          0.1-0.4 s (bench 352 ms): rounded up to 1 s
//   c2          standard CUDA 525-1104 s (lotus-docs SupraSeal C2 tutorial): midpoint 815 s
// Estimates (no published anchor; marked `estimate` below):
//   tree_d      2 min at 32 GiB (one SHA-256 pass over the data, same order as AddPiece)
//   finalize    5 min at 32 GiB (moving sealed + 0.1x cache to a persist store at ~110 MiB/s)
//   64 GiB      PC1/PC2/C2/AddPiece/tree_d/finalize doubled (twice the nodes per layer, same layer count)
//   512 MiB, 8 MiB, 2 KiB: PC1 = 2 layers x (982 s per 32 GiB layer scaled by nodes); the other stages scaled by
//               size from 32 GiB with a 1 s floor.
// Small sectors exist only on devnets, so their WaitSeed is the embedded devnet's default
// (agent/manager/config/manager-config.ts: precommit_challenge_delay 10 epochs + confidence 2, block_time 1 s).
//   seal_interval 30 s: damocles' default pause between sectors (reference/damocles.md §1.4)
import type { SectorSizeName } from "../config/sector-size.js";

export interface StageSeconds {
  readonly addPieces: number;
  readonly treeD: number;
  readonly pc1: number;
  readonly pc2: number;
  readonly waitSeed: number;
  readonly c1: number;
  readonly c2: number;
  readonly finalize: number;
  readonly sealInterval: number;
}

export interface StageTimingRow {
  readonly seconds: StageSeconds;
  /** Where the numbers come from, printed with the report. */
  readonly source: string;
}

const WAIT_SEED = 150 * 30;
const DEVNET_WAIT_SEED = (10 + 2) * 1;
const SEAL_INTERVAL = 30;

// 2 KiB and 8 MiB scale to well under a second per stage on production hardware, so both sit on the 1 s floor.
const SMALL_SECTOR: StageTimingRow = {
  seconds: {
    addPieces: 1,
    treeD: 1,
    pc1: 1,
    pc2: 1,
    waitSeed: DEVNET_WAIT_SEED,
    c1: 1,
    c2: 1,
    finalize: 1,
    sealInterval: SEAL_INTERVAL,
  },
  source:
    "estimate: 32 GiB anchors (curio-lotus.md §4) scaled by size, 1 s floor; WaitSeed of the embedded devnet (12 s)",
};

export const stageTimings: Readonly<Record<SectorSizeName, StageTimingRow>> = {
  "2KiB": SMALL_SECTOR,
  "8MiB": SMALL_SECTOR,
  "512MiB": {
    seconds: {
      addPieces: 2,
      treeD: 2,
      pc1: 31,
      pc2: 15,
      waitSeed: DEVNET_WAIT_SEED,
      c1: 1,
      c2: 13,
      finalize: 5,
      sealInterval: SEAL_INTERVAL,
    },
    source:
      "estimate: 32 GiB anchors (curio-lotus.md §4) scaled by size, PC1 by 2 layers; WaitSeed of the embedded devnet (12 s)",
  },
  "32GiB": {
    seconds: {
      addPieces: 90,
      treeD: 120,
      pc1: 10_800,
      pc2: 900,
      waitSeed: WAIT_SEED,
      c1: 1,
      c2: 815,
      finalize: 300,
      sealInterval: SEAL_INTERVAL,
    },
    source:
      "curio-lotus.md §4: PC1 3 h, PC2 15 min, WaitSeed 75 min, C2 815 s (standard CUDA); tree_d and finalize estimated",
  },
  "64GiB": {
    seconds: {
      addPieces: 180,
      treeD: 240,
      pc1: 21_600,
      pc2: 1800,
      waitSeed: WAIT_SEED,
      c1: 1,
      c2: 1630,
      finalize: 600,
      sealInterval: SEAL_INTERVAL,
    },
    source: "estimate: curio-lotus.md §4 32 GiB anchors doubled; WaitSeed 75 min",
  },
};

/** Seconds one sealing thread spends per sector, start to start. */
export function sectorCycleSeconds(s: StageSeconds): number {
  return s.addPieces + s.treeD + s.pc1 + s.pc2 + s.waitSeed + s.c1 + s.c2 + s.finalize + s.sealInterval;
}
