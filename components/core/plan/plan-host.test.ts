// Planner properties on generated machine classes (seeded PRNG, a few hundred classes): PC1 cpusets are disjoint
// and each inside the one NUMA node it prefers, no two processors of different kinds share a CPU, every GPU is
// used once per GPU stage, and the threads fit the NVMe space and the memory. Plus the planner's fixed points on
// the shipped classes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seededRandom } from "../../../test/support/seeded-random.js";
import { formatCpuList, parseCpuList } from "../config/cpu-list.js";
import { loadClassDirectory } from "../config/load-class.js";
import { loadFarmStackFile } from "../config/load-stack-file.js";
import { type MachineClass, machineClassProblems } from "../config/machine-class.js";
import { type SectorSizeName, sectorSizeNames } from "../proofs/registered-proofs.js";
import { physicalCores } from "./cpu-layout.js";
import { PlanError } from "./plan-error.js";
import { type HostPlan, planHost, sealerLimits } from "./plan-host.js";
import { NVME_USABLE_FRACTION, reservedMemoryBytes, sectorFootprintBytes, stageCosts } from "./stage-costs.js";
import type { ExtProcessor } from "./worker-toml.js";

const GiB = 1024 ** 3;

/** A random but realistic class: Linux-style CPU numbering (all first threads, then the SMT siblings). */
export function generateClass(seed: number): MachineClass {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const nodes = int(1, 4);
  const coresPerNode = int(1, 48);
  const tpc = rand() < 0.6 ? 2 : 1;
  const total = nodes * coresPerNode;
  const numa = Array.from({ length: nodes }, (_, n) => {
    const cpus: number[] = [];
    for (let t = 0; t < tpc; t++) for (let c = 0; c < coresPerNode; c++) cpus.push(t * total + n * coresPerNode + c);
    return { node: n, cores: formatCpuList(cpus) };
  });
  const gpus = Array.from({ length: int(0, 4) }, () => ({
    model: "gpu",
    memoryGiB: 24,
    ...(rand() < 0.5 ? { numa: int(0, nodes - 1) } : {}),
  }));
  const nvme = Array.from({ length: int(0, 6) }, (_, i) => ({
    device: `/dev/nvme${i}n1`,
    mount: `/mnt/nvme${i}`,
    sizeGiB: int(50, 16_000),
  }));
  return {
    name: `gen-${seed}`,
    cpu: { model: "generated", sockets: nodes, threadsPerCore: tpc },
    numa,
    memoryGiB: [8, 16, 64, 128, 256, 512, 768, 1024, 2048][int(0, 8)] as number,
    gpus,
    nvme,
    ...(rand() < 0.2 ? { hugepages: { pageSize: "1GiB" as const, count: int(1, 64) } } : {}),
  };
}

function cpusOf(p: ExtProcessor): number[] {
  const list = p.cgroup?.cpuset;
  assert.ok(list !== undefined, "every processor is pinned");
  const cpus = parseCpuList(list);
  assert.ok(cpus !== undefined, list);
  return cpus;
}

function checkSealer(mc: MachineClass, size: SectorSizeName, plan: HostPlan): void {
  const t = plan.workerToml;
  const p = t.processors;
  const threads = plan.report.threads;
  const nodeCpus = new Map(mc.numa.map((n) => [n.node, new Set(parseCpuList(n.cores))]));
  // PC1: one pinned processor per thread, cpusets disjoint, each inside its preferred node, whole cores.
  assert.equal(p.pc1?.length, threads);
  assert.equal(t.sealing_thread.length, threads);
  const seen = new Map<number, string>();
  for (const proc of p.pc1 ?? []) {
    const node = proc.numa_preferred;
    assert.ok(node !== undefined);
    for (const cpu of cpusOf(proc)) {
      assert.ok(nodeCpus.get(node)?.has(cpu), `pc1 cpu ${cpu} outside NUMA node ${node}`);
      assert.ok(!seen.has(cpu), `cpu ${cpu} in two pc1 cpusets`);
      seen.set(cpu, "pc1");
    }
    assert.equal(cpusOf(proc).length, stageCosts[size].pc1Cores * mc.cpu.threadsPerCore);
  }
  // GPU-side and system processors never overlap PC1.
  for (const proc of [...(p.pc2 ?? []), ...(p.c2 ?? []), ...(p.add_pieces ?? []), ...(p.tree_d ?? [])]) {
    for (const cpu of cpusOf(proc)) assert.notEqual(seen.get(cpu), "pc1", `cpu ${cpu} shared with pc1`);
  }
  // Every GPU once per stage, with its own lock.
  for (const stage of ["pc2", "c2"] as const) {
    const list = p[stage] ?? [];
    if (mc.gpus.length === 0) {
      assert.equal(list.length, 1);
      assert.equal(list[0]?.envs?.CUDA_VISIBLE_DEVICES, undefined);
      continue;
    }
    const devices = list.map((x) => x.envs?.CUDA_VISIBLE_DEVICES).sort();
    assert.deepEqual(devices, mc.gpus.map((_, i) => String(i)).sort(), `${stage} uses every GPU once`);
    for (const x of list) assert.deepEqual(x.locks, [`gpu${x.envs?.CUDA_VISIBLE_DEVICES}`]);
    assert.deepEqual(Object.keys(p.ext_locks ?? {}).sort(), mc.gpus.map((_, i) => `gpu${i}`).sort());
  }
  // Threads fit the disk, device by device.
  const footprint = sectorFootprintBytes(size);
  mc.nvme.forEach((d) => {
    const here = t.sealing_thread.filter((s) => s.location?.startsWith(`${d.mount}/`)).length;
    assert.ok(here * footprint <= d.sizeGiB * GiB * NVME_USABLE_FRACTION, `${d.mount} holds ${here} stores`);
  });
  assert.equal(new Set(t.sealing_thread.map((s) => s.location)).size, threads, "store locations are distinct");
  // And the memory: PC1 per thread + the GPU side + the reserve within RAM.
  const ram = mc.memoryGiB * GiB;
  assert.ok(
    threads * stageCosts[size].pc1MemoryBytes + plan.report.memory.gpuSideBytes + reservedMemoryBytes(ram) <= ram,
  );
  // "The fewest that NVMe, memory and cores allow".
  const limits = plan.report.limits;
  assert.equal(threads, Math.min(limits.nvme ?? 0, limits.memory ?? 0, limits.cores ?? 0));
  assert.equal(limits[plan.report.bottleneck], threads);
  assert.equal(p.limitation.concurrent.pc1, threads);
}

function checkPost(mc: MachineClass, plan: HostPlan): void {
  const wp = plan.workerToml.processors.window_post ?? [];
  assert.equal(plan.workerToml.sealing_thread.length, plan.report.threads);
  assert.ok(plan.workerToml.sealing_thread.every((s) => s.plan === "wdpost" && s.location === undefined));
  if (mc.gpus.length > 0) {
    const devices = wp.map((x) => x.envs?.CUDA_VISIBLE_DEVICES);
    assert.equal(new Set(devices).size, wp.length, "no GPU twice");
    assert.ok(wp.length <= mc.gpus.length);
  } else assert.equal(wp.length, 1);
}

describe("planner properties on generated classes", () => {
  it("holds for 300 generated classes at every sector size and both roles", () => {
    let planned = 0;
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const mc = generateClass(seed);
      assert.deepEqual(machineClassProblems(mc, "generated"), [], `seed ${seed} generates a valid class`);
      for (const size of sectorSizeNames) {
        for (const role of ["sealer", "post"] as const) {
          let plan: HostPlan;
          try {
            plan = planHost(mc, role, size);
          } catch (error) {
            assert.ok(error instanceof PlanError, `seed ${seed} ${role} ${size}: ${error}`);
            refused++;
            if (role === "sealer" && !/no NUMA node has/.test(error.message)) {
              const { limits } = sealerLimits(mc, size);
              // Refused only when some resource really allows zero threads.
              assert.match(
                error.message,
                /allows 0|allow 0/,
                `seed ${seed}: ${error.message} (${JSON.stringify(limits)})`,
              );
            }
            continue;
          }
          planned++;
          if (role === "sealer") checkSealer(mc, size, plan);
          else checkPost(mc, plan);
          assert.deepEqual(planHost(structuredClone(mc), role, size), plan, "deterministic");
        }
      }
    }
    assert.ok(planned > 1000 && refused > 50, `planned ${planned}, refused ${refused}: the generator covers both`);
  });
});

describe("planner on the shipped classes", () => {
  const classes = loadClassDirectory("stacks/classes");
  const epyc = classes.get("epyc-2gpu") as MachineClass;

  it("a 32 GiB sealer with 1 TiB is memory-bound at 13 threads and spreads PC1 over both NUMA nodes", () => {
    const plan = planHost(epyc, "sealer", "32GiB");
    assert.equal(plan.report.threads, 13);
    assert.equal(plan.report.bottleneck, "memory");
    assert.deepEqual(plan.report.limits, { nvme: 48, memory: 13, cores: 29 });
    const perNode = [0, 1].map((n) => plan.workerToml.processors.pc1?.filter((p) => p.numa_preferred === n).length);
    assert.deepEqual(perNode, [7, 6]);
    assert.equal(plan.workerToml.processors.pc1?.[0]?.cgroup?.cpuset, "0-1,64-65");
    assert.equal(plan.report.expectedSectorsPerDay, 64);
  });

  it("names the numbers when a class cannot seal a size", () => {
    const dev = classes.get("dev") as MachineClass;
    assert.throws(() => planHost(dev, "sealer", "32GiB"), {
      name: "PlanError",
      message:
        "class dev cannot seal 32GiB sectors: no sealing thread fits (nvme allows 0 at 515.2 GiB per sector, memory allows 0 at 64.00 GiB per PC1 after 79.2 GiB for the system and PC2/C2, cores allow 0 at 2 core(s) per PC1)",
    });
  });

  it("groups SMT siblings into whole physical cores", () => {
    assert.deepEqual(physicalCores([0, 1, 2, 3, 64, 65, 66, 67], 2), [
      [0, 64],
      [1, 65],
      [2, 66],
      [3, 67],
    ]);
    assert.deepEqual(physicalCores([0, 1], 1), [[0], [1]]);
  });

  it("passes farm settings through: worker name, manager address, miners, persist stores", () => {
    const plan = planHost(epyc, "post", "32GiB", {
      workerName: "post-01",
      managerRpcAddr: "/ip4/192.0.2.10/tcp/1789",
      miners: [1000, 1001],
      persistStores: [{ name: "persist-1", path: "/mnt/persist-1", readonly: true }],
    });
    assert.deepEqual(plan.workerToml.worker, { name: "post-01" });
    assert.equal(plan.workerToml.sector_manager.rpc_client.addr, "/ip4/192.0.2.10/tcp/1789");
    assert.deepEqual(plan.workerToml.sealing.allowed_miners, [1000, 1001]);
    assert.deepEqual(plan.workerToml.attached, [{ name: "persist-1", location: "/mnt/persist-1", readonly: true }]);
  });

  it("a sealer takes deals only when the farm says so: [sealing] enable_deals follows enableDeals, default off", () => {
    assert.equal(planHost(epyc, "sealer", "32GiB").workerToml.sealing.enable_deals, false);
    for (const enableDeals of [false, true]) {
      const t = planHost(epyc, "sealer", "32GiB", { enableDeals }).workerToml;
      assert.equal(t.sealing.enable_deals, enableDeals);
      // No thread overrides it: the farm-level value is the one every sealing thread runs with.
      for (const thread of t.sealing_thread) assert.ok(!("sealing" in thread));
      // A PoSt host seals nothing: its file does not change with the farm's deals.
      assert.equal(planHost(epyc, "post", "32GiB", { enableDeals }).workerToml.sealing.enable_deals, false);
    }
  });
});

describe("the shipped stacks", () => {
  const classes = loadClassDirectory("stacks/classes");
  for (const stack of ["example", "dev"]) {
    it(`every host of stacks/Pulumi.${stack}.yaml plans with its class, role and the farm's sector size`, () => {
      const farm = loadFarmStackFile(`stacks/Pulumi.${stack}.yaml`, { classNames: classes.keys() });
      let sectorsPerDay = 0;
      for (const host of farm.hosts) {
        const mc = classes.get(host.class) as MachineClass;
        const plan = planHost(mc, host.role, farm.sectorSize, { workerName: host.name });
        assert.ok(plan.report.threads >= 1, host.name);
        sectorsPerDay += plan.report.expectedSectorsPerDay ?? 0;
      }
      assert.ok(sectorsPerDay > 0);
      if (stack === "example") assert.equal(Math.round(sectorsPerDay * 10) / 10, 7 * 64);
    });
  }
});
