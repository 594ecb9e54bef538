// A machine class: one kind of host, described once and shared by every host of that kind. This file holds the
// type (the schema's shape) and the checks JSON Schema cannot express: CPU lists that parse, NUMA nodes that do
// not share CPUs, GPUs and NVMe that point at a NUMA node that exists.
import schema from "../../../schemas/machine-class.schema.json" with { type: "json" };
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { formatCpuList, parseCpuList } from "./cpu-list.js";
import { compileSchema } from "./schema-validator.js";

export interface NumaNodeSpec {
  readonly node: number;
  /** Logical CPUs of the node, SMT siblings included: "0-31,64-95". */
  readonly cores: string;
  readonly memoryGiB?: number;
}

export interface GpuSpec {
  readonly model: string;
  readonly memoryGiB: number;
  /** NUMA node the GPU hangs off; when absent the planner assumes GPU i sits on node i mod nodes. */
  readonly numa?: number;
}

export interface NvmeSpec {
  readonly device: string;
  readonly mount: string;
  readonly sizeGiB: number;
  readonly numa?: number;
}

export interface MachineClass {
  readonly name: string;
  readonly description?: string;
  readonly cpu: {
    readonly model: string;
    readonly sockets: number;
    readonly threadsPerCore: number;
    readonly shaExtensions?: boolean;
  };
  readonly numa: readonly NumaNodeSpec[];
  readonly memoryGiB: number;
  readonly gpus: readonly GpuSpec[];
  readonly nvme: readonly NvmeSpec[];
  readonly hugepages?: { readonly pageSize: "2MiB" | "1GiB"; readonly count: number; readonly path?: string };
}

const validator = compileSchema(schema);

/** Validates a parsed value as a machine class; throws ConfigError listing every problem. */
export function parseMachineClass(value: unknown, file: string): MachineClass {
  const problems = validator.problems(value, file);
  if (problems.length > 0) throw new ConfigError(problems);
  const mc = value as MachineClass;
  const semantic = machineClassProblems(mc, file);
  if (semantic.length > 0) throw new ConfigError(semantic);
  return mc;
}

/** The cross-field checks on a schema-valid class. */
export function machineClassProblems(mc: MachineClass, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const owner = new Map<number, number>(); // cpu -> index in mc.numa
  const nodeIds = new Map<number, number>();
  mc.numa.forEach((n, i) => {
    const pointer = `/numa/${i}`;
    const earlier = nodeIds.get(n.node);
    if (earlier !== undefined) {
      problems.push({
        file,
        pointer: `${pointer}/node`,
        expected: `a NUMA node id not already used (node ${n.node} is /numa/${earlier})`,
        got: String(n.node),
      });
    } else nodeIds.set(n.node, i);
    const cpus = parseCpuList(n.cores);
    if (cpus === undefined) {
      problems.push({
        file,
        pointer: `${pointer}/cores`,
        expected: 'a CPU list like "0-15,32-47" with ranges written low-high',
        got: JSON.stringify(n.cores),
      });
      return;
    }
    const clash = new Map<number, number[]>();
    for (const cpu of cpus) {
      const other = owner.get(cpu);
      if (other !== undefined) clash.set(other, [...(clash.get(other) ?? []), cpu]);
      else owner.set(cpu, i);
    }
    for (const [other, shared] of clash) {
      problems.push({
        file,
        pointer: `${pointer}/cores`,
        expected: `CPUs that no other NUMA node lists (CPUs ${formatCpuList(shared)} are also in /numa/${other}/cores)`,
        got: JSON.stringify(n.cores),
      });
    }
    if (cpus.length % mc.cpu.threadsPerCore !== 0) {
      problems.push({
        file,
        pointer: `${pointer}/cores`,
        expected: `a CPU count divisible by /cpu/threadsPerCore (${mc.cpu.threadsPerCore}), since every core brings all its threads`,
        got: `${JSON.stringify(n.cores)} (${cpus.length} CPUs)`,
      });
    }
  });
  const numaMemory = mc.numa.reduce((sum, n) => sum + (n.memoryGiB ?? 0), 0);
  if (numaMemory > mc.memoryGiB + 1e-9) {
    problems.push({
      file,
      pointer: "/memoryGiB",
      expected: `at least the sum of the NUMA nodes' memoryGiB (${numaMemory})`,
      got: String(mc.memoryGiB),
    });
  }
  const checkNode = (pointer: string, node: number | undefined): void => {
    if (node !== undefined && !nodeIds.has(node)) {
      problems.push({
        file,
        pointer,
        expected: `one of the NUMA node ids in /numa (${[...nodeIds.keys()].join(", ")})`,
        got: String(node),
      });
    }
  };
  mc.gpus.forEach((g, i) => {
    checkNode(`/gpus/${i}/numa`, g.numa);
  });
  const mounts = new Map<string, number>();
  const devices = new Map<string, number>();
  mc.nvme.forEach((d, i) => {
    checkNode(`/nvme/${i}/numa`, d.numa);
    const m = mounts.get(d.mount);
    if (m !== undefined) {
      problems.push({
        file,
        pointer: `/nvme/${i}/mount`,
        expected: `a mount point not used by /nvme/${m}`,
        got: JSON.stringify(d.mount),
      });
    } else mounts.set(d.mount, i);
    const dev = devices.get(d.device);
    if (dev !== undefined) {
      problems.push({
        file,
        pointer: `/nvme/${i}/device`,
        expected: `a device not used by /nvme/${dev}`,
        got: JSON.stringify(d.device),
      });
    } else devices.set(d.device, i);
  });
  return problems;
}

/** The logical CPUs of each NUMA node, in /numa order. Only for classes that passed parseMachineClass. */
export function numaCpus(mc: MachineClass): number[][] {
  return mc.numa.map((n) => {
    const cpus = parseCpuList(n.cores);
    if (cpus === undefined)
      throw new Error(`class ${mc.name}: NUMA node ${n.node} has an invalid CPU list "${n.cores}"`);
    return cpus;
  });
}
