// The capacity report as text for `sealfarm plan`: threads, what bounds them, and the expected rate.
import type { CapacityReport } from "../plan/plan-host.js";

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GiB`;

export function renderCapacityReport(r: CapacityReport): string {
  const lines = [
    `class ${r.class}, role ${r.role}, sector size ${r.sectorSize}`,
    `threads: ${r.threads} (bottleneck: ${r.bottleneck})`,
    `limits: ${Object.entries(r.limits)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `memory: ${gib(r.memory.totalBytes)} total, ${gib(r.memory.reservedBytes)} reserved, ` +
      `${gib(r.memory.perThreadBytes)} per thread` +
      (r.memory.gpuSideBytes > 0 ? `, ${gib(r.memory.gpuSideBytes)} for PC2/C2` : ""),
  ];
  if (r.role === "sealer") {
    lines.push(
      `scratch per sector: ${gib(r.sectorFootprintBytes)}`,
      `cycle per thread: ${((r.cycleSeconds ?? 0) / 3600).toFixed(2)} h`,
      `sectors/day: ${r.expectedSectorsPerDay} (threads allow ${r.threadSectorsPerDay}, GPUs allow ${r.gpuSectorsPerDay})`,
      `timings: ${r.timingSource}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
