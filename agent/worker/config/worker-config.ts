// The resolved worker config: what the agent runs on after loading, validating and parsing the TOML. Durations
// are milliseconds, sizes are bytes, defaults are filled in (damocles-worker code defaults, reference §1).
import type { PaddedBytes } from "../../../components/core/units/bytes.js";

export type Plan = "sealer" | "snapup" | "rebuild" | "unseal" | "wdpost";

/** Stages that have `[[processors.<stage>]]` sections (c1 is ours: sealfarm runs every stage out of process). */
export const processorStages = [
  "add_pieces",
  "tree_d",
  "pc1",
  "pc2",
  "c1",
  "c2",
  "snap_encode",
  "snap_prove",
  "transfer",
  "unseal",
  "window_post",
  "sealing_daemons",
] as const;
export type ProcessorStage = (typeof processorStages)[number];

export interface SealingOptions {
  allowedMiners: number[] | undefined;
  allowedSizes: PaddedBytes[] | undefined;
  enableDeals: boolean;
  disableCc: boolean;
  maxDeals: number | undefined;
  minDealSpace: number | undefined;
  maxRetries: number;
  sealIntervalMs: number;
  recoverIntervalMs: number;
  rpcPollingIntervalMs: number;
  ignoreProofCheck: boolean;
  requestTaskMaxRetries: number;
  verifyAfterPc2: boolean;
}

export const defaultSealing: SealingOptions = {
  allowedMiners: undefined,
  allowedSizes: undefined,
  enableDeals: false,
  disableCc: false,
  maxDeals: undefined,
  minDealSpace: undefined,
  maxRetries: 5,
  sealIntervalMs: 30_000,
  recoverIntervalMs: 60_000,
  rpcPollingIntervalMs: 180_000,
  ignoreProofCheck: false,
  requestTaskMaxRetries: 3,
  verifyAfterPc2: false,
};

export interface SealingThreadConfig {
  /** Position in the file: `worker list/pause/resume --index` use it; a skipped duplicate leaves a gap. */
  index: number;
  location: string | undefined;
  plan: Plan;
  /** Only the keys this thread sets; merged over `[sealing]` by `mergeSealing`. */
  sealing: Partial<SealingOptions>;
}

export interface AttachedStore {
  name: string;
  location: string;
  readonly: boolean;
  /** The store's meta map (a scanned sectorstore.json's `Meta`, then the manager's StoreBasicInfo `Meta`), passed
   * to a `[[processors.transfer]]` processor so it can reach stores that are not local file systems. */
  meta?: Record<string, string>;
}

export interface ProcessorEntry {
  stage: ProcessorStage;
  /** Position among this stage's entries (used in cgroup names and logs). */
  index: number;
  bin: string;
  args: string[];
  stableWaitMs: number;
  cpuset: string | undefined;
  cgroupName: string;
  numaPreferred: number | undefined;
  envs: Record<string, string>;
  inheritEnvs: boolean;
  concurrent: number | undefined;
  locks: string[];
  autoRestart: boolean;
}

/** damocles' defaults for a `[[processors.<stage>]]` entry that says nothing but its stage. */
export function defaultProcessorEntry(stage: ProcessorStage, bin: string, index = 0): ProcessorEntry {
  return {
    stage,
    index,
    bin,
    args: ["processor", stage],
    stableWaitMs: 5000,
    cpuset: undefined,
    cgroupName: "vc-worker",
    numaPreferred: undefined,
    envs: {},
    inheritEnvs: true,
    concurrent: undefined,
    locks: [],
    autoRestart: true,
  };
}

export interface ProcessorsConfig {
  concurrent: Partial<Record<string, number>>;
  staggeredMs: Partial<Record<string, number>>;
  extLocks: Record<string, number>;
  staticTreeD: Partial<Record<string, string>>;
  /** Only stages that have a section in the file. Others run on one default child each (see processor pool). */
  entries: Partial<Record<ProcessorStage, ProcessorEntry[]>>;
}

export interface WorkerConfig {
  /** The file it came from, for messages. */
  file: string;
  worker: {
    name: string | undefined;
    rpcHost: string;
    rpcPort: number;
    pingIntervalMs: number;
    localPiecesDirs: string[];
    scanPersistStores: string[];
  };
  metrics: { enable: boolean; httpListen: string };
  sectorManager: {
    url: string;
    token: string | undefined;
    pieceToken: string | undefined;
    headers: Record<string, string>;
  };
  /** `[sealfarm]`: who may call the worker's RPC, and how the manager's TLS certificate is pinned. */
  security: WorkerSecurity;
  sealing: Partial<SealingOptions>;
  threads: SealingThreadConfig[];
  attached: AttachedStore[];
  processors: ProcessorsConfig;
}

export interface WorkerSecurity {
  /** Secret for `sealfarm worker token create`; without it only trusted addresses may change state. */
  secretFile: string | undefined;
  /** CIDRs allowed to pause/resume/set env without a token (default: loopback). */
  trusted: string[];
  /** /metrics without a token (default true, like WorkerList and WorkerVersion). */
  openMetrics: boolean;
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** PEM file of the manager's pinned certificate (trusted as the only CA for https:// manager URLs). */
  managerCaFile: string | undefined;
  /** SHA-256 fingerprint the manager's certificate must have ("sha256:AB:CD:…"). */
  managerFingerprint: string | undefined;
}

export const LOOPBACK_CIDRS = ["127.0.0.0/8", "::1/128"];

/** Effective options = defaults, then `[sealing]`, then the thread's `sealing.*`, then the hot file (per field). */
export function mergeSealing(...layers: Array<Partial<SealingOptions> | undefined>): SealingOptions {
  const out: SealingOptions = { ...defaultSealing };
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [k, v] of Object.entries(layer) as Array<[keyof SealingOptions, unknown]>) {
      if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}
