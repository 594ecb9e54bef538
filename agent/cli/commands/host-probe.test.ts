import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  classNameFromHost,
  type HostFacts,
  machineClassFromFacts,
} from "../../../components/core/config/class-from-facts.js";
import { parseCpuList } from "../../../components/core/config/cpu-list.js";
import { loadMachineClass } from "../../../components/core/config/load-class.js";
import { planHost } from "../../../components/core/plan/plan-host.js";
import { captureIo } from "../../../test/support/cli-io.js";
import { scratchDir } from "../../../test/support/scratch-dir.js";
import { main } from "../main.js";
import { hostProbe, pciNumaNode } from "./host-probe.js";

const tmp = scratchDir("sealfarm-probe-");

describe("sealfarm host probe (this machine's real hardware)", () => {
  it("writes a class that loads back through loadMachineClass and matches the machine", async () => {
    const out = join(tmp, "probed.yaml");
    const io = captureIo();
    assert.equal(
      await main(["host", "probe", "--name", "probed", "--out", out], io, [hostProbe]),
      0,
      io.stderr.join("\n"),
    );
    assert.deepEqual(io.stdout, [`wrote ${out} (class probed)`]);
    const mc = loadMachineClass(out);
    assert.equal(mc.name, "probed");
    const all = mc.numa.flatMap((n) => parseCpuList(n.cores) ?? []).sort((a, b) => a - b);
    assert.deepEqual(
      all,
      cpus().map((_, i) => i),
      "every CPU of this machine in exactly one NUMA node",
    );
    assert.ok(Math.abs(mc.memoryGiB - totalmem() / 1024 ** 3) <= 0.5, `${mc.memoryGiB} GiB vs ${totalmem()}`);
    assert.ok(mc.nvme.length >= 1, "a scratch disk was found");
    // And the planner accepts it: this machine can seal 2 KiB sectors.
    assert.ok(planHost(mc, "sealer", "2KiB").report.threads >= 1);
    assert.deepEqual(readdirSync(tmp), ["probed.yaml"], "no temp file left behind");
  });

  it("refuses to replace an existing file without --force, and leaves it untouched", async () => {
    const out = join(tmp, "existing.yaml");
    writeFileSync(out, "keep me\n");
    const io = captureIo();
    assert.equal(await main(["host", "probe", "--out", out], io, [hostProbe]), 1);
    assert.match(io.stderr.join("\n"), /already exists \(use --force to replace it\)/);
    assert.equal(readFileSync(out, "utf8"), "keep me\n");
    assert.equal(await main(["host", "probe", "--out", out, "--force"], captureIo(), [hostProbe]), 0);
    assert.doesNotThrow(() => loadMachineClass(out));
  });

  it("prints the class to stdout without --out", async () => {
    const io = captureIo();
    assert.equal(await main(["host", "probe", "--name", "x"], io, [hostProbe]), 0);
    assert.match(io.stdout.join(""), /^# Written by `sealfarm host probe`/);
    assert.ok(!existsSync(join(tmp, "x.yaml")));
  });
});

const sealerFacts: HostFacts = {
  hostname: "Sealer-01.example.com",
  cpu: { manufacturer: "AMD", brand: "EPYC 7543", sockets: 2, logicalCpus: 8, physicalCores: 4, flags: "avx2 sha_ni" },
  numa: [
    { node: 1, cpulist: "2-3,6-7\n" },
    { node: 0, cpulist: "0-1,4-5\n" },
  ],
  memoryBytes: 64 * 1024 ** 3 + 123,
  gpus: [
    { vendor: "ASPEED Technology, Inc.", model: "ASPEED Graphics Family", vramMiB: 8 },
    { vendor: "NVIDIA Corporation", model: "RTX A5000", vramMiB: 24_564, numaNode: 1 },
    { vendor: "NVIDIA Corporation", model: "RTX A5000", vramMiB: null },
  ],
  disks: [
    { name: "sda", device: "/dev/sda", type: "disk", removable: false, size: 480e9 },
    { name: "nvme1n1", device: "/dev/nvme1n1", type: "disk", removable: false, size: 7.68e12, numaNode: -1 },
    { name: "nvme0n1", device: "/dev/nvme0n1", type: "disk", removable: false, size: 7.68e12, numaNode: 0 },
    { name: "sdb", device: "/dev/sdb", type: "disk", removable: true, size: 32e9 },
  ],
  filesystems: [
    { fs: "/dev/sda2", mount: "/", size: 470e9 },
    { fs: "/dev/nvme0n1p1", mount: "/mnt/nvme0", size: 7.5e12 },
    { fs: "/dev/nvme1n1", mount: "/mnt/nvme1", size: 7.5e12 },
    { fs: "/dev/nvme10n1", mount: "/mnt/nvme10", size: 1e12 },
  ],
};

describe("machine class from probed facts", () => {
  it("keeps NVMe drives, compute GPUs with known memory, NUMA order, and SMT", () => {
    const { machineClass: mc, notes } = machineClassFromFacts(sealerFacts, classNameFromHost(sealerFacts.hostname));
    assert.equal(mc.name, "sealer-01");
    assert.deepEqual(mc.cpu, { model: "AMD EPYC 7543", sockets: 2, threadsPerCore: 2, shaExtensions: true });
    assert.deepEqual(mc.numa, [
      { node: 0, cores: "0-1,4-5" },
      { node: 1, cores: "2-3,6-7" },
    ]);
    assert.equal(mc.memoryGiB, 64);
    assert.deepEqual(mc.gpus, [{ model: "RTX A5000", memoryGiB: 24, numa: 1 }]);
    assert.deepEqual(mc.nvme, [
      { device: "/dev/nvme0n1", mount: "/mnt/nvme0", sizeGiB: 6984, numa: 0 },
      { device: "/dev/nvme1n1", mount: "/mnt/nvme1", sizeGiB: 6984 },
    ]);
    assert.deepEqual(notes, ['GPU "RTX A5000": memory unknown, left out (add it under gpus: by hand)']);
  });

  it("falls back to one NUMA node and the largest filesystem on a box without NVMe or /sys NUMA", () => {
    const { machineClass: mc, notes } = machineClassFromFacts(
      { ...sealerFacts, numa: [], gpus: [], disks: sealerFacts.disks.filter((d) => d.name.startsWith("sd")) },
      "box",
    );
    assert.deepEqual(mc.numa, [{ node: 0, cores: "0-7" }]);
    assert.deepEqual(mc.nvme, [{ device: "/dev/sda", mount: "/", sizeGiB: 437 }]);
    assert.deepEqual(notes, ["no NUMA information in /sys: one node with every CPU assumed"]);
  });

  it("reads a PCI device's NUMA node from /sys only for a well-formed address", () => {
    assert.equal(pciNumaNode(undefined), null);
    assert.equal(pciNumaNode("not-an-address"), null);
    assert.equal(pciNumaNode("ff:1f.7"), null, "no such device on this machine");
  });

  it("makes a valid class name from any host name", () => {
    assert.equal(classNameFromHost("My_Box.local"), "my-box");
    assert.equal(classNameFromHost("---"), "probed-host");
  });
});
