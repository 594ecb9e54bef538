// Turning facts gathered from a real machine (systeminformation + /sys) into a machine class. Pure: the
// `sealfarm host probe` command gathers, this decides, parseMachineClass checks the result before it is written.
import { formatCpuList, parseCpuList } from "./cpu-list.js";
import type { GpuSpec, MachineClass, NvmeSpec } from "./machine-class.js";

const GiB = 1024 ** 3;

export interface HostFacts {
  readonly hostname: string;
  readonly cpu: {
    readonly manufacturer: string;
    readonly brand: string;
    readonly sockets: number;
    readonly logicalCpus: number;
    readonly physicalCores: number;
    readonly flags: string;
  };
  /** From /sys/devices/system/node/node<N>/cpulist; empty when the kernel exposes no NUMA nodes. */
  readonly numa: ReadonlyArray<{ readonly node: number; readonly cpulist: string }>;
  readonly memoryBytes: number;
  /** numaNode: the PCI device's numa_node from /sys (-1 or null when the kernel does not say). */
  readonly gpus: ReadonlyArray<{
    readonly vendor: string;
    readonly model: string;
    readonly vramMiB: number | null;
    readonly numaNode?: number | null;
  }>;
  readonly disks: ReadonlyArray<{
    readonly name: string;
    readonly device: string;
    readonly type: string;
    readonly removable: boolean;
    readonly size: number;
    readonly numaNode?: number | null;
  }>;
  readonly filesystems: ReadonlyArray<{ readonly fs: string; readonly mount: string; readonly size: number }>;
}

export interface ProbeResult {
  readonly machineClass: MachineClass;
  /** What the probe saw but left out, for the user to add by hand. */
  readonly notes: readonly string[];
}

/** "sealer-01.example.com" -> "sealer-01": a valid class name from a host name. */
export function classNameFromHost(hostname: string): string {
  const base = (hostname.split(".")[0] ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return base === "" ? "probed-host" : base.slice(0, 63);
}

function partitionOf(fs: string, device: string): boolean {
  // /dev/nvme0n1 -> /dev/nvme0n1p1, /dev/sda -> /dev/sda1
  return fs === device || (fs.startsWith(device) && /^p?\d+$/.test(fs.slice(device.length)));
}

export function machineClassFromFacts(facts: HostFacts, name: string): ProbeResult {
  const notes: string[] = [];
  const smt = facts.cpu.physicalCores > 0 ? Math.round(facts.cpu.logicalCpus / facts.cpu.physicalCores) : 1;
  let numa = facts.numa
    .map((n) => ({ node: n.node, cpus: parseCpuList(n.cpulist.trim()) ?? [] }))
    .filter((n) => n.cpus.length > 0)
    .sort((a, b) => a.node - b.node);
  if (numa.length === 0) {
    notes.push("no NUMA information in /sys: one node with every CPU assumed");
    numa = [{ node: 0, cpus: Array.from({ length: facts.cpu.logicalCpus }, (_, i) => i) }];
  }
  const nodeIds = new Set(numa.map((n) => n.node));
  const numaOf = (node: number | null | undefined): { numa?: number } =>
    node !== null && node !== undefined && nodeIds.has(node) ? { numa: node } : {};
  const threadsPerCore = smt >= 1 && numa.every((n) => n.cpus.length % smt === 0) ? smt : 1;
  const gpus: GpuSpec[] = [];
  for (const g of facts.gpus) {
    if (!/nvidia|amd|advanced micro/i.test(g.vendor)) continue; // BMC and desktop VGA are not compute GPUs
    if (g.vramMiB === null || g.vramMiB <= 0) {
      notes.push(`GPU "${g.model}": memory unknown, left out (add it under gpus: by hand)`);
      continue;
    }
    gpus.push({ model: g.model, memoryGiB: Math.round((g.vramMiB / 1024) * 10) / 10, ...numaOf(g.numaNode) });
  }
  // Scratch space: every mounted NVMe drive; a machine without one (a dev box) offers its largest filesystem.
  const mounted = facts.disks
    .filter((d) => d.type === "disk" && !d.removable && d.size > 0 && !/^(zram|loop|ram)/.test(d.name))
    .map((d) => {
      const fss = facts.filesystems
        .filter((f) => partitionOf(f.fs, d.device))
        .sort((a, b) => b.size - a.size || a.mount.localeCompare(b.mount));
      return { disk: d, fs: fss[0] };
    })
    .filter(
      (x): x is { disk: (typeof facts.disks)[number]; fs: HostFacts["filesystems"][number] } => x.fs !== undefined,
    );
  const nvmeDisks = mounted.filter((x) => x.disk.name.startsWith("nvme"));
  const chosen = nvmeDisks.length > 0 ? nvmeDisks : [...mounted].sort((a, b) => b.fs.size - a.fs.size).slice(0, 1);
  if (chosen.length === 0) notes.push("no mounted disk found: nvme is empty, so this class cannot seal");
  const nvme: NvmeSpec[] = chosen
    .sort((a, b) => a.disk.device.localeCompare(b.disk.device))
    .map((x) => ({
      device: x.disk.device,
      mount: x.fs.mount,
      sizeGiB: Math.floor(x.fs.size / GiB),
      ...numaOf(x.disk.numaNode),
    }));
  const model = `${facts.cpu.manufacturer} ${facts.cpu.brand}`.trim();
  const machineClass: MachineClass = {
    name,
    description: `probed on ${facts.hostname}: ${facts.cpu.logicalCpus} CPUs, ${(facts.memoryBytes / GiB).toFixed(1)} GiB, ${gpus.length} GPU(s), ${nvme.length} scratch disk(s)`,
    cpu: {
      model: model === "" ? "unknown" : model,
      sockets: Math.max(1, facts.cpu.sockets),
      threadsPerCore,
      shaExtensions: /\b(sha_ni|sha2)\b/.test(facts.cpu.flags),
    },
    numa: numa.map((n) => ({ node: n.node, cores: formatCpuList(n.cpus) })),
    memoryGiB: Math.floor((facts.memoryBytes / GiB) * 2) / 2,
    gpus,
    nvme,
  };
  return { machineClass, notes };
}
