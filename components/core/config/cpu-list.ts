// Linux CPU lists ("0-15,32-47"), the format of /sys/devices/system/node/node*/cpulist and of cgroup cpuset.cpus.

const cpuListPattern = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** Parses a CPU list into sorted, distinct CPU numbers; undefined when the text is not a valid list. */
export function parseCpuList(text: string): number[] | undefined {
  if (!cpuListPattern.test(text)) return undefined;
  const cpus = new Set<number>();
  for (const part of text.split(",")) {
    const [a, b] = part.split("-");
    const from = Number(a);
    const to = b === undefined ? from : Number(b);
    if (to < from || to > 65535) return undefined;
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((x, y) => x - y);
}

/** Formats CPU numbers as the shortest CPU list: [0,1,2,3,8] -> "0-3,8". */
export function formatCpuList(cpus: Iterable<number>): string {
  const sorted = [...new Set(cpus)].sort((x, y) => x - y);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] as number;
    let end = start;
    while (sorted[i + 1] === end + 1) {
      end++;
      i++;
    }
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    i++;
  }
  return parts.join(",");
}
