// Splitting a host's CPUs: a few cores for the system, a few next to each GPU, the rest in PC1 slots. Everything
// is whole physical cores (all SMT siblings together), so two processors never share a core's execution units.
import { type MachineClass, numaCpus } from "../config/machine-class.js";
import { PlanError } from "./plan-error.js";

/** A set of whole physical cores on one NUMA node. */
export interface CoreSet {
  readonly node: number;
  /** Logical CPUs, sorted. */
  readonly cpus: readonly number[];
}

export interface CpuLayout {
  readonly system: CoreSet;
  /** One per GPU, in class order. */
  readonly gpus: readonly CoreSet[];
  /** The physical cores left for PC1 on each NUMA node, in class order. */
  readonly free: ReadonlyArray<{ readonly node: number; readonly cores: ReadonlyArray<readonly number[]> }>;
}

/**
 * Groups a node's logical CPUs into physical cores. Linux numbers SMT siblings one "row" apart (cores 0-31 then
 * their siblings 64-95 on a 2-socket 32-core part), so with T threads per core, core k is the k-th CPU of each of
 * the T equal runs of the sorted list.
 */
export function physicalCores(cpus: readonly number[], threadsPerCore: number): number[][] {
  const perRow = cpus.length / threadsPerCore;
  const cores: number[][] = [];
  for (let k = 0; k < perRow; k++) {
    const core: number[] = [];
    for (let t = 0; t < threadsPerCore; t++) core.push(cpus[t * perRow + k] as number);
    cores.push(core);
  }
  return cores;
}

/** The NUMA node a GPU sits on: its declared node, else GPU i on node i mod nodes. */
export function gpuNode(mc: MachineClass, gpuIndex: number): number {
  const declared = mc.gpus[gpuIndex]?.numa;
  if (declared !== undefined) return declared;
  return (mc.numa[gpuIndex % mc.numa.length] as { node: number }).node;
}

/** Takes `systemCores` cores for the system and `coresPerGpu` next to each GPU, from the high end of each node. */
export function layoutCpus(mc: MachineClass, systemCores: number, coresPerGpu: number): CpuLayout {
  const cpus = numaCpus(mc);
  const free = mc.numa.map((n, i) => ({
    node: n.node,
    cores: physicalCores(cpus[i] as number[], mc.cpu.threadsPerCore),
  }));
  const take = (preferredNode: number, count: number, what: string): CoreSet => {
    // Prefer the node itself, then the node with the most cores left: never split one set across nodes.
    const order = [...free].sort((a, b) => {
      if (a.node === preferredNode) return -1;
      if (b.node === preferredNode) return 1;
      return b.cores.length - a.cores.length || a.node - b.node;
    });
    const from = order.find((f) => f.cores.length >= count);
    if (from === undefined) {
      throw new PlanError(
        `class ${mc.name}: no NUMA node has ${count} free physical core(s) for ${what} ` +
          `(free per node: ${free.map((f) => `${f.node}: ${f.cores.length}`).join(", ")})`,
      );
    }
    const taken = from.cores.splice(from.cores.length - count, count);
    return { node: from.node, cpus: taken.flat().sort((a, b) => a - b) };
  };
  const firstNode = (mc.numa[0] as { node: number }).node;
  const system = take(firstNode, systemCores, "the system (OS, agent, AddPiece, tree_d)");
  const gpus = mc.gpus.map((_, i) => take(gpuNode(mc, i), coresPerGpu, `GPU ${i}`));
  return { system, gpus, free };
}

/** PC1 slots of `coresPerSlot` adjacent physical cores, per node. */
export function pc1Slots(layout: CpuLayout, coresPerSlot: number): CoreSet[][] {
  return layout.free.map((f) => {
    const slots: CoreSet[] = [];
    for (let i = 0; i + coresPerSlot <= f.cores.length; i += coresPerSlot) {
      slots.push({
        node: f.node,
        cpus: f.cores
          .slice(i, i + coresPerSlot)
          .flat()
          .sort((a, b) => a - b),
      });
    }
    return slots;
  });
}

/** Picks n slots round-robin across nodes (node 0 slot 0, node 1 slot 0, ...) so memory bandwidth is shared. */
export function pickSlots(slotsByNode: readonly (readonly CoreSet[])[], n: number): CoreSet[] {
  const picked: CoreSet[] = [];
  for (let round = 0; picked.length < n; round++) {
    let any = false;
    for (const slots of slotsByNode) {
      const slot = slots[round];
      if (slot === undefined) continue;
      any = true;
      if (picked.length < n) picked.push(slot);
    }
    if (!any) break;
  }
  return picked;
}
