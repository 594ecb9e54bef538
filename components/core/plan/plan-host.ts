// The planner: (machine class, role, sector size) -> damocles worker TOML object + capacity report. Pure and
// deterministic: the same inputs give the same object, so twin hosts get byte-identical files.
import { formatCpuList } from "../config/cpu-list.js";
import type { HostRole, PersistStore } from "../config/load-farm.js";
import type { MachineClass } from "../config/machine-class.js";
import type { SectorSizeName } from "../proofs/registered-proofs.js";
import { type CoreSet, layoutCpus, pc1Slots, pickSlots } from "./cpu-layout.js";
import { PlanError } from "./plan-error.js";
import {
  CORES_PER_GPU,
  NVME_USABLE_FRACTION,
  reservedMemoryBytes,
  SYSTEM_CORES,
  sectorFootprintBytes,
  stageCosts,
} from "./stage-costs.js";
import { sectorCycleSeconds, stageTimings } from "./stage-timings.js";
import type { ExtProcessor, WorkerToml } from "./worker-toml.js";

const GiB = 1024 ** 3;

/** Where the host's farm-level settings come from; the defaults make a self-contained plan for tests and `sealfarm plan`. */
export interface PlanContext {
  /** `[worker].name`; omitted, damocles uses the local IP. */
  readonly workerName?: string;
  /** The manager as a multiaddr or URL, e.g. "/ip4/192.0.2.10/tcp/1789". */
  readonly managerRpcAddr: string;
  /** `allowed_miners`; empty means any miner. */
  readonly miners: readonly number[];
  readonly persistStores: readonly PersistStore[];
  /** The proof binary every processor runs (`sealfarm-proofs processor <stage>`). */
  readonly proofsBin: string;
  /** A sealer's `[sealing] enable_deals`: ask the manager for deals (the farm's `deals`); PoSt hosts ignore it. */
  readonly enableDeals: boolean;
}

export const RELEASE_CURRENT = "/opt/sealfarm/current";

export const defaultPlanContext: PlanContext = {
  managerRpcAddr: "/ip4/127.0.0.1/tcp/1789",
  miners: [],
  persistStores: [{ name: "persist-0", path: "/var/lib/sealfarm/persist-0" }],
  proofsBin: `${RELEASE_CURRENT}/bin/sealfarm-proofs`,
  enableDeals: false,
};

export type Resource = "nvme" | "memory" | "cores" | "gpus";

export interface CapacityReport {
  readonly class: string;
  readonly role: HostRole;
  readonly sectorSize: SectorSizeName;
  /** Sealing threads (sealer) or WindowPoSt threads (post). */
  readonly threads: number;
  /** The resource that allows the fewest threads. */
  readonly bottleneck: Resource;
  /** How many threads each resource alone would allow. */
  readonly limits: Readonly<Partial<Record<Resource, number>>>;
  readonly sectorFootprintBytes: number;
  readonly memory: {
    readonly totalBytes: number;
    readonly reservedBytes: number;
    readonly perThreadBytes: number;
    readonly gpuSideBytes: number;
  };
  /** Sealer only: one thread's start-to-start time per sector. */
  readonly cycleSeconds?: number;
  /** Sealer only: sectors/day from the threads alone and from the GPUs (PC2+C2 time) alone. */
  readonly threadSectorsPerDay?: number;
  readonly gpuSectorsPerDay?: number;
  /** Sealer only: min of the two, one decimal. */
  readonly expectedSectorsPerDay?: number;
  readonly timingSource?: string;
}

export interface HostPlan {
  readonly workerToml: WorkerToml;
  readonly report: CapacityReport;
}

const roundTenth = (n: number): number => Math.round(n * 10) / 10;

function processor(ctx: PlanContext, stage: string, extra: Omit<ExtProcessor, "bin" | "args"> = {}): ExtProcessor {
  return { bin: ctx.proofsBin, args: ["processor", stage], ...extra };
}

function pinned(set: CoreSet): Pick<ExtProcessor, "cgroup" | "numa_preferred"> {
  return { cgroup: { cpuset: formatCpuList(set.cpus) }, numa_preferred: set.node };
}

/**
 * The test sector sizes exist only on the embedded devnet, whose epochs are 1 s: damocles' waits (30 s between
 * sectors, 3 min between polls of the manager, sized for 32 GiB on mainnet) would leave a thread idle for most of a
 * sector's life there, so the worker polls as fast as the chain moves.
 */
const DEVNET_SEALING_WAITS: Partial<Record<SectorSizeName, Partial<WorkerToml["sealing"]>>> = {
  "2KiB": { seal_interval: "1s", recover_interval: "5s", rpc_polling_interval: "2s" },
  "8MiB": { seal_interval: "1s", recover_interval: "5s", rpc_polling_interval: "2s" },
};

function base(
  ctx: PlanContext,
  size: SectorSizeName,
  role: HostRole,
): Omit<WorkerToml, "sealing_thread" | "processors"> {
  return {
    ...(ctx.workerName === undefined ? {} : { worker: { name: ctx.workerName } }),
    sector_manager: { rpc_client: { addr: ctx.managerRpcAddr } },
    sealing: {
      allowed_sizes: [size],
      ...(ctx.miners.length > 0 ? { allowed_miners: [...ctx.miners] } : {}),
      // Only sealers take deals; a PoSt host's TOML stays the same whichever way the farm's `deals` goes, so turning
      // deals on or off restarts the manager and the sealers, not the PoSt workers.
      enable_deals: role === "sealer" && ctx.enableDeals,
      ...DEVNET_SEALING_WAITS[size],
    },
    attached: ctx.persistStores.map((s) => ({
      name: s.name,
      location: s.path,
      ...(s.readonly ? { readonly: true } : {}),
    })),
  };
}

/**
 * RAM the planner must not hand to processors: the system reserve, plus the class's hugepages, which the kernel
 * sets aside at boot and sealfarm-proofs does not map.
 */
export function unavailableMemoryBytes(mc: MachineClass): number {
  const huge =
    mc.hugepages === undefined ? 0 : mc.hugepages.count * (mc.hugepages.pageSize === "1GiB" ? GiB : 2 * 1024 ** 2);
  return reservedMemoryBytes(mc.memoryGiB * GiB) + huge;
}

/** Thread counts each resource allows for a sealer, and the scratch devices' per-device store counts. */
export function sealerLimits(mc: MachineClass, size: SectorSizeName) {
  const costs = stageCosts[size];
  const footprint = sectorFootprintBytes(size);
  const perDevice = mc.nvme.map((d) => Math.floor((d.sizeGiB * GiB * NVME_USABLE_FRACTION) / footprint));
  const totalBytes = mc.memoryGiB * GiB;
  const reservedBytes = unavailableMemoryBytes(mc);
  // PC2 and C2 on one GPU share its lock, so only the larger runs at a time; without a GPU both may run on CPU.
  const gpuSideBytes =
    mc.gpus.length > 0
      ? mc.gpus.length * Math.max(costs.pc2MemoryBytes, costs.c2MemoryBytes)
      : costs.pc2MemoryBytes + costs.c2MemoryBytes;
  const memory = Math.max(0, Math.floor((totalBytes - reservedBytes - gpuSideBytes) / costs.pc1MemoryBytes));
  return {
    footprint,
    perDevice,
    memoryInfo: { totalBytes, reservedBytes, perThreadBytes: costs.pc1MemoryBytes, gpuSideBytes },
    limits: { nvme: perDevice.reduce((a, b) => a + b, 0), memory },
  };
}

/** Spreads thread stores over the devices round-robin, never past a device's own capacity. */
export function storeLocations(mc: MachineClass, perDevice: readonly number[], threads: number): string[] {
  const used = perDevice.map(() => 0);
  const locations: string[] = [];
  while (locations.length < threads) {
    let placed = false;
    for (let d = 0; d < mc.nvme.length && locations.length < threads; d++) {
      if ((used[d] as number) >= (perDevice[d] as number)) continue;
      const mount = (mc.nvme[d] as { mount: string }).mount.replace(/\/+$/, "");
      locations.push(`${mount}/sealfarm/sealing-${locations.length}`);
      used[d] = (used[d] as number) + 1;
      placed = true;
    }
    if (!placed) break;
  }
  return locations;
}

function planSealer(mc: MachineClass, size: SectorSizeName, ctx: PlanContext): HostPlan {
  const costs = stageCosts[size];
  const timing = stageTimings[size];
  const { footprint, perDevice, memoryInfo, limits } = sealerLimits(mc, size);
  const layout = layoutCpus(mc, SYSTEM_CORES, CORES_PER_GPU);
  const slotsByNode = pc1Slots(layout, costs.pc1Cores);
  const all: Record<"nvme" | "memory" | "cores", number> = {
    nvme: limits.nvme,
    memory: limits.memory,
    cores: slotsByNode.reduce((sum, s) => sum + s.length, 0),
  };
  const order = ["nvme", "memory", "cores"] as const;
  const threads = Math.min(all.nvme, all.memory, all.cores);
  const bottleneck = order.find((r) => all[r] === threads) as Resource;
  if (threads === 0) {
    throw new PlanError(
      `class ${mc.name} cannot seal ${size} sectors: no sealing thread fits ` +
        `(nvme allows ${all.nvme} at ${(footprint / GiB).toFixed(1)} GiB per sector, ` +
        `memory allows ${all.memory} at ${(costs.pc1MemoryBytes / GiB).toFixed(2)} GiB per PC1 ` +
        `after ${((memoryInfo.reservedBytes + memoryInfo.gpuSideBytes) / GiB).toFixed(1)} GiB for the system and PC2/C2, ` +
        `cores allow ${all.cores} at ${costs.pc1Cores} core(s) per PC1)`,
    );
  }
  const slots = pickSlots(slotsByNode, threads).sort(
    (a, b) => a.node - b.node || (a.cpus[0] as number) - (b.cpus[0] as number),
  );
  const multicore = costs.pc1Cores > 1 ? { envs: { FIL_PROOFS_USE_MULTICORE_SDR: "1" } } : {};
  const pc1 = slots.map((s) => processor(ctx, "pc1", { ...pinned(s), concurrent: 1, ...multicore }));
  const system = pinned(layout.system);
  const gpuLocks: Record<string, number> = {};
  const pc2: ExtProcessor[] = [];
  const c2: ExtProcessor[] = [];
  if (mc.gpus.length === 0) {
    pc2.push(processor(ctx, "pc2", { ...system, concurrent: 1 }));
    c2.push(processor(ctx, "c2", { ...system, concurrent: 1 }));
  }
  layout.gpus.forEach((set, i) => {
    const lock = `gpu${i}`;
    gpuLocks[lock] = 1;
    const cuda = { CUDA_VISIBLE_DEVICES: String(i) };
    pc2.push(
      processor(ctx, "pc2", {
        ...pinned(set),
        concurrent: 1,
        locks: [lock],
        envs: { ...cuda, FIL_PROOFS_USE_GPU_COLUMN_BUILDER: "1", FIL_PROOFS_USE_GPU_TREE_BUILDER: "1" },
      }),
    );
    c2.push(processor(ctx, "c2", { ...pinned(set), concurrent: 1, locks: [lock], envs: cuda }));
  });
  const systemSlots = Math.min(threads, layout.system.cpus.length);
  // Staggering PC1 starts spreads the memory peaks and desynchronises the threads; one PC1 length across all of them.
  const staggerS = Math.floor(timing.seconds.pc1 / threads);
  const cycle = sectorCycleSeconds(timing.seconds);
  const threadRate = (threads * 86_400) / cycle;
  const gpuCount = Math.max(1, mc.gpus.length);
  const gpuRate = (gpuCount * 86_400) / (timing.seconds.pc2 + timing.seconds.c2);
  const workerToml: WorkerToml = {
    ...base(ctx, size, "sealer"),
    sealing_thread: storeLocations(mc, perDevice, threads).map((location) => ({ location, plan: "sealer" as const })),
    processors: {
      limitation: {
        concurrent: {
          add_pieces: systemSlots,
          tree_d: systemSlots,
          pc1: threads,
          pc2: pc2.length,
          c2: c2.length,
        },
        ...(staggerS >= 1 ? { staggered: { pc1: `${staggerS}s` } } : {}),
      },
      ...(mc.gpus.length > 0 ? { ext_locks: gpuLocks } : {}),
      add_pieces: [processor(ctx, "add_pieces", system)],
      tree_d: [processor(ctx, "tree_d", system)],
      pc1,
      pc2,
      c2,
    },
  };
  return {
    workerToml,
    report: {
      class: mc.name,
      role: "sealer",
      sectorSize: size,
      threads,
      bottleneck,
      limits: all,
      sectorFootprintBytes: footprint,
      memory: memoryInfo,
      cycleSeconds: cycle,
      threadSectorsPerDay: roundTenth(threadRate),
      gpuSectorsPerDay: roundTenth(gpuRate),
      expectedSectorsPerDay: roundTenth(Math.min(threadRate, gpuRate)),
      timingSource: timing.source,
    },
  };
}

function planPost(mc: MachineClass, size: SectorSizeName, ctx: PlanContext): HostPlan {
  const costs = stageCosts[size];
  const totalBytes = mc.memoryGiB * GiB;
  const reservedBytes = unavailableMemoryBytes(mc);
  const layout = layoutCpus(mc, SYSTEM_CORES, mc.gpus.length > 0 ? CORES_PER_GPU : 0);
  const memory = Math.max(0, Math.floor((totalBytes - reservedBytes) / costs.windowPostMemoryBytes));
  const gpus = Math.max(1, mc.gpus.length); // without a GPU one CPU WindowPoSt thread
  const threads = Math.min(gpus, memory);
  const bottleneck: Resource = memory < gpus ? "memory" : "gpus";
  if (threads === 0) {
    throw new PlanError(
      `class ${mc.name} cannot run WindowPoSt for ${size} sectors: memory ${(totalBytes / GiB).toFixed(1)} GiB ` +
        `minus ${(reservedBytes / GiB).toFixed(1)} GiB reserved is less than ${(costs.windowPostMemoryBytes / GiB).toFixed(2)} GiB per proof`,
    );
  }
  const gpuLocks: Record<string, number> = {};
  const windowPost: ExtProcessor[] = [];
  if (mc.gpus.length === 0) {
    // No GPU: the one CPU prover gets every core the system does not keep.
    const cpus = layout.free.flatMap((f) => f.cores.flat());
    const node = layout.free.find((f) => f.cores.length > 0)?.node ?? layout.system.node;
    const set = cpus.length > 0 ? { node, cpus } : layout.system;
    windowPost.push(processor(ctx, "window_post", { cgroup: { cpuset: formatCpuList(set.cpus) }, concurrent: 1 }));
  }
  layout.gpus.slice(0, threads).forEach((set, i) => {
    const lock = `gpu${i}`;
    gpuLocks[lock] = 1;
    windowPost.push(
      processor(ctx, "window_post", {
        ...pinned(set),
        concurrent: 1,
        locks: [lock],
        envs: { CUDA_VISIBLE_DEVICES: String(i) },
      }),
    );
  });
  const workerToml: WorkerToml = {
    ...base(ctx, size, "post"),
    sealing_thread: Array.from({ length: threads }, () => ({ plan: "wdpost" as const })),
    processors: {
      limitation: { concurrent: { window_post: threads } },
      ...(Object.keys(gpuLocks).length > 0 ? { ext_locks: gpuLocks } : {}),
      window_post: windowPost,
    },
  };
  return {
    workerToml,
    report: {
      class: mc.name,
      role: "post",
      sectorSize: size,
      threads,
      bottleneck,
      limits: { gpus, memory },
      sectorFootprintBytes: 0,
      memory: { totalBytes, reservedBytes, perThreadBytes: costs.windowPostMemoryBytes, gpuSideBytes: 0 },
    },
  };
}

/** Plans one host. Throws PlanError (with the numbers) when the class cannot run the role at this size. */
export function planHost(
  mc: MachineClass,
  role: HostRole,
  sectorSize: SectorSizeName,
  context: Partial<PlanContext> = {},
): HostPlan {
  const ctx: PlanContext = { ...defaultPlanContext, ...context };
  switch (role) {
    case "sealer":
      return planSealer(mc, sectorSize, ctx);
    case "post":
      return planPost(mc, sectorSize, ctx);
    default: {
      const exhaustive: never = role;
      throw new PlanError(`unknown role ${JSON.stringify(exhaustive)}: expected "sealer" or "post"`);
    }
  }
}
