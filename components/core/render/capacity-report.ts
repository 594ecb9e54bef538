// The capacity report as text for `sealfarm plan`: threads, what bounds them, and the expected rate.
import type { FarmCapacity } from "../plan/farm-capacity.js";
import type { CapacityReport } from "../plan/plan-host.js";

/** Bytes in the largest binary unit that keeps the number at least 1: "515.2 GiB", "14.2 KiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (i < units.length - 1 && bytes >= 1024 ** (i + 1)) i++;
  return i === 0 ? `${bytes} B` : `${(bytes / 1024 ** i).toFixed(1)} ${units[i]}`;
}

/** Seconds as "49 s", "12.5 min" or "4.88 h". */
export function formatSeconds(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

export function renderCapacityReport(r: CapacityReport): string {
  const lines = [
    `class ${r.class}, role ${r.role}, sector size ${r.sectorSize}`,
    `threads: ${r.threads} (bottleneck: ${r.bottleneck})`,
    `limits: ${Object.entries(r.limits)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `memory: ${formatBytes(r.memory.totalBytes)} total, ${formatBytes(r.memory.reservedBytes)} reserved, ` +
      `${formatBytes(r.memory.perThreadBytes)} per thread` +
      (r.memory.gpuSideBytes > 0 ? `, ${formatBytes(r.memory.gpuSideBytes)} for PC2/C2` : ""),
  ];
  if (r.role === "sealer") {
    lines.push(
      `scratch per sector: ${formatBytes(r.sectorFootprintBytes)}`,
      `cycle per thread: ${formatSeconds(r.cycleSeconds ?? 0)}`,
      `sectors/day: ${r.expectedSectorsPerDay} (threads allow ${r.threadSectorsPerDay}, GPUs allow ${r.gpuSectorsPerDay})`,
      `timings: ${r.timingSource}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One line per host, then the farm's total. */
export function renderFarmCapacity(c: FarmCapacity): string {
  const rows = [
    ["host", "class", "role", "threads", "bound by", "sectors/day"],
    ...c.hosts.map((h) => [
      h.name,
      h.class,
      h.role,
      String(h.threads),
      h.bottleneck,
      h.expectedSectorsPerDay === undefined ? "-" : String(h.expectedSectorsPerDay),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  lines.push("", `farm: ${c.sectorsPerDay} sectors/day, ${formatBytes(c.bytesPerDay)} of sealed capacity per day`);
  return `${lines.join("\n")}\n`;
}
