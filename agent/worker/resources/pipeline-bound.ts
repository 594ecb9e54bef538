// A lower bound on a sealing run's makespan from the measured per-sector state times and the limits, for the
// pipeline benchmark's efficiency = bound / measured makespan. Pure.
//
// Each sector visits its states in order; a thread holds one sector at a time; a limited stage runs at most
// `limit` sectors at once. So the run cannot be shorter than:
//   - the longest single sector (its states are sequential);
//   - the total sector-time spread over the threads: Σ sector time / threads;
//   - for each limited state s: the shortest way into s, then Σ time in s / limit, then the shortest way out.

export interface BoundInput {
  /** Per sector: ms spent in each state, in state order. */
  sectors: ReadonlyArray<ReadonlyArray<readonly [state: string, ms: number]>>;
  threads: number;
  /** Concurrency limit per state (e.g. { TicketAssigned: 2 } for limitation.concurrent.pc1 = 2). */
  limits: Readonly<Record<string, number>>;
}

export interface BoundResult {
  boundMs: number;
  parts: { longestSectorMs: number; threadsMs: number; limited: Record<string, number> };
}

export function makespanLowerBound(input: BoundInput): BoundResult {
  const totals = input.sectors.map((s) => s.reduce((a, [, ms]) => a + ms, 0));
  const longestSectorMs = Math.max(0, ...totals);
  const threadsMs = totals.reduce((a, b) => a + b, 0) / Math.max(1, input.threads);
  const limited: Record<string, number> = {};
  for (const [state, limit] of Object.entries(input.limits)) {
    let sum = 0;
    let minBefore = Number.POSITIVE_INFINITY;
    let minAfter = Number.POSITIVE_INFINITY;
    for (const s of input.sectors) {
      const i = s.findIndex(([st]) => st === state);
      if (i < 0) continue;
      sum += s[i]?.[1] ?? 0;
      minBefore = Math.min(
        minBefore,
        s.slice(0, i).reduce((a, [, ms]) => a + ms, 0),
      );
      minAfter = Math.min(
        minAfter,
        s.slice(i + 1).reduce((a, [, ms]) => a + ms, 0),
      );
    }
    if (Number.isFinite(minBefore)) limited[state] = minBefore + sum / Math.max(1, limit) + minAfter;
  }
  const boundMs = Math.max(longestSectorMs, threadsMs, ...Object.values(limited));
  return { boundMs, parts: { longestSectorMs, threadsMs, limited } };
}
