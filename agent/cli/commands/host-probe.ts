// `sealfarm host probe [--name NAME] [--out FILE] [--force]`: describes this machine as a machine class, from
// its real hardware (systeminformation, plus /sys for NUMA). The class is validated before anything is written,
// and written atomically (temp file + rename) so a half-written class never exists.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import si from "systeminformation";
import { stringify } from "yaml";
import {
  classNameFromHost,
  type HostFacts,
  machineClassFromFacts,
} from "../../../components/core/config/class-from-facts.js";
import { parseMachineClass } from "../../../components/core/config/machine-class.js";
import { type Command, UsageError } from "../command.js";

const NODE_DIR = "/sys/devices/system/node";

function readNuma(): HostFacts["numa"] {
  let entries: string[];
  try {
    entries = readdirSync(NODE_DIR).filter((e) => /^node\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map((e) => ({
    node: Number(e.slice(4)),
    cpulist: readFileSync(join(NODE_DIR, e, "cpulist"), "utf8"),
  }));
}

function readNumber(path: string): number | null {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

/** The NUMA node of a PCI device from its address as nvidia-smi ("00000000:3B:00.0") or lspci ("3b:00.0") give it. */
export function pciNumaNode(address: string | undefined): number | null {
  const m = /(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])$/.exec(address ?? "");
  if (m === null) return null;
  const domain = (m[1] ?? "0000").slice(-4).toLowerCase();
  return readNumber(`/sys/bus/pci/devices/${domain}:${(m[2] as string).toLowerCase()}/numa_node`);
}

/** A block device's NUMA node: NVMe namespaces sit below their controller, which sits below the PCI device. */
function diskNumaNode(name: string): number | null {
  return readNumber(`/sys/block/${name}/device/device/numa_node`) ?? readNumber(`/sys/block/${name}/device/numa_node`);
}

/** Everything the class is derived from, read from this machine. */
export async function gatherHostFacts(): Promise<HostFacts> {
  const [cpu, flags, mem, graphics, disks, filesystems] = await Promise.all([
    si.cpu(),
    si.cpuFlags(),
    si.mem(),
    si.graphics(),
    si.blockDevices(),
    si.fsSize(),
  ]);
  return {
    hostname: hostname(),
    cpu: {
      manufacturer: cpu.manufacturer,
      brand: cpu.brand,
      sockets: cpu.processors,
      logicalCpus: cpu.cores,
      physicalCores: cpu.physicalCores,
      flags,
    },
    numa: readNuma(),
    memoryBytes: mem.total,
    gpus: graphics.controllers.map((c) => ({
      vendor: c.vendor,
      model: c.model,
      vramMiB: c.vram ?? null,
      numaNode: pciNumaNode(c.pciBus ?? c.busAddress),
    })),
    disks: disks.map((d) => ({
      name: d.name,
      device: d.device ?? `/dev/${d.name}`,
      type: d.type,
      removable: d.removable,
      size: d.size,
      numaNode: diskNumaNode(d.name),
    })),
    filesystems: filesystems.map((f) => ({ fs: f.fs, mount: f.mount, size: f.size })),
  };
}

export const hostProbe: Command = {
  path: ["host", "probe"],
  summary: "write a machine class describing this machine's real hardware",
  usage: [
    "usage: sealfarm host probe [--name NAME] [--out FILE] [--force]",
    "",
    "Reads this machine's CPUs, NUMA nodes, memory, GPUs and mounted NVMe drives and prints a machine-class",
    "YAML (or writes it to FILE, e.g. stacks/classes/NAME.yaml). The class is named after the host unless",
    "--name is given. An existing FILE is only replaced with --force.",
  ].join("\n"),
  async run(argv, io) {
    let values: { name?: string; out?: string; force?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { name: { type: "string" }, out: { type: "string" }, force: { type: "boolean" } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const facts = await gatherHostFacts();
    const name = values.name ?? classNameFromHost(facts.hostname);
    const { machineClass, notes } = machineClassFromFacts(facts, name);
    const label = values.out ?? "probed class";
    parseMachineClass(machineClass, label); // throws ConfigError before anything is written
    const text = `# Written by \`sealfarm host probe\` on ${facts.hostname}. Check it, then use it as a class.\n${stringify(machineClass)}`;
    for (const note of notes) io.err(`sealfarm host probe: note: ${note}`);
    if (values.out === undefined) {
      io.out(text);
      return 0;
    }
    if (existsSync(values.out) && !values.force) {
      io.err(`sealfarm host probe: ${values.out} already exists (use --force to replace it)`);
      return 1;
    }
    const tmp = join(dirname(values.out), `.${name}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, text, { flag: "wx" });
      renameSync(tmp, values.out);
    } finally {
      rmSync(tmp, { force: true });
    }
    io.out(`wrote ${values.out} (class ${name})`);
    return 0;
  },
};
