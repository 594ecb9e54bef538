// Prometheus text for /metrics: RPC latency histograms (kept in memory), sectors by state and chain height
// (read at scrape time). Rendering is pure.

const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
  errors: number;
}

export class RpcMetrics {
  private readonly byMethod = new Map<string, Histogram>();

  observe(method: string, ms: number, failed: boolean): void {
    let h = this.byMethod.get(method);
    if (h === undefined) {
      h = { counts: BUCKETS_MS.map(() => 0), sum: 0, count: 0, errors: 0 };
      this.byMethod.set(method, h);
    }
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= (BUCKETS_MS[i] ?? 0)) h.counts[i] = (h.counts[i] ?? 0) + 1;
    h.sum += ms;
    h.count++;
    if (failed) h.errors++;
  }

  render(): string[] {
    const out = [
      "# HELP sealfarm_manager_rpc_duration_ms Venus.* request duration in milliseconds.",
      "# TYPE sealfarm_manager_rpc_duration_ms histogram",
    ];
    const errors = [
      "# HELP sealfarm_manager_rpc_errors_total Venus.* requests answered with an error.",
      "# TYPE sealfarm_manager_rpc_errors_total counter",
    ];
    for (const [method, h] of [...this.byMethod].sort(([a], [b]) => a.localeCompare(b))) {
      const l = `method="${method}"`;
      BUCKETS_MS.forEach((b, i) => {
        out.push(`sealfarm_manager_rpc_duration_ms_bucket{${l},le="${b}"} ${h.counts[i]}`);
      });
      out.push(`sealfarm_manager_rpc_duration_ms_bucket{${l},le="+Inf"} ${h.count}`);
      out.push(`sealfarm_manager_rpc_duration_ms_sum{${l}} ${h.sum.toFixed(3)}`);
      out.push(`sealfarm_manager_rpc_duration_ms_count{${l}} ${h.count}`);
      errors.push(`sealfarm_manager_rpc_errors_total{${l}} ${h.errors}`);
    }
    return [...out, ...errors];
  }
}

export interface Gauges {
  height: number;
  sectorsByState: { state: string; n: number }[];
  faultySectors: number;
  wdpostJobsByState: { state: string; n: number }[];
}

export function renderGauges(g: Gauges): string[] {
  const { height, sectorsByState } = g;
  return [
    "# HELP sealfarm_manager_chain_height Current devnet epoch.",
    "# TYPE sealfarm_manager_chain_height gauge",
    `sealfarm_manager_chain_height ${height}`,
    "# HELP sealfarm_manager_sectors Sectors by chain state.",
    "# TYPE sealfarm_manager_sectors gauge",
    ...sectorsByState
      .slice()
      .sort((a, b) => a.state.localeCompare(b.state))
      .map((s) => `sealfarm_manager_sectors{state="${s.state}"} ${s.n}`),
    "# HELP sealfarm_manager_sectors_faulty Active sectors whose last WindowPoSt failed or declared them faulty.",
    "# TYPE sealfarm_manager_sectors_faulty gauge",
    `sealfarm_manager_sectors_faulty ${g.faultySectors}`,
    "# HELP sealfarm_manager_wdpost_jobs WindowPoSt jobs by state.",
    "# TYPE sealfarm_manager_wdpost_jobs gauge",
    ...g.wdpostJobsByState
      .slice()
      .sort((a, b) => a.state.localeCompare(b.state))
      .map((s) => `sealfarm_manager_wdpost_jobs{state="${s.state}"} ${s.n}`),
  ];
}
