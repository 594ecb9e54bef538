// The arithmetic of `npm run bench:cli`: medians of repeated start-up times and their ratio to a baseline measured
// in the same run. Pure, so the numbers the README quotes come from tested code.

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("median: expected at least one sample");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface StartupRow {
  readonly label: string;
  readonly medianMs: number;
  /** medianMs / the baseline's median. */
  readonly ratio: number;
}

/** One row per measured command, each against the baseline's median (the first entry of `samples`). */
export function startupRows(baseline: string, samples: ReadonlyMap<string, readonly number[]>): StartupRow[] {
  const base = samples.get(baseline);
  if (base === undefined) throw new Error(`startupRows: no samples for the baseline "${baseline}"`);
  const baseMedian = median(base);
  return [...samples].map(([label, ms]) => ({ label, medianMs: median(ms), ratio: median(ms) / baseMedian }));
}

export function renderStartupRows(rows: readonly StartupRow[], goal: number): string {
  const width = Math.max(...rows.map((r) => r.label.length));
  return rows
    .map(
      (r) =>
        `${r.label.padEnd(width)}  ${r.medianMs.toFixed(0).padStart(6)} ms  ${r.ratio.toFixed(2).padStart(5)}×` +
        (r.ratio === 1 ? "  (baseline)" : r.ratio <= goal ? `  ok (goal ≤ ${goal}×)` : `  over the goal (≤ ${goal}×)`),
    )
    .join("\n");
}
