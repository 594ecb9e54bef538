// The worker's Prometheus metrics: per-stage processor durations (histogram), per-state durations, threads by
// state. Rendered as Prometheus text for `/metrics`; the same numbers feed `sealfarm dev`'s summary.

const buckets = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 7200];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function observe(h: Histogram, seconds: number): void {
  h.sum += seconds;
  h.count++;
  buckets.forEach((b, i) => {
    if (seconds <= b) h.counts[i] = (h.counts[i] ?? 0) + 1;
  });
}

const newHistogram = (): Histogram => ({ counts: buckets.map(() => 0), sum: 0, count: 0 });

export class WorkerMetrics {
  private readonly stages = new Map<string, Histogram>();
  private readonly states = new Map<string, Histogram>();
  private readonly counters = new Map<string, number>();

  stageDone(stage: string, ms: number): void {
    const h = this.stages.get(stage) ?? newHistogram();
    this.stages.set(stage, h);
    observe(h, ms / 1000);
  }

  stateDone(state: string, ms: number): void {
    const h = this.states.get(state) ?? newHistogram();
    this.states.set(state, h);
    observe(h, ms / 1000);
  }

  inc(name: string, labels = ""): void {
    const key = `${name}${labels}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  /** Per-stage totals: {stage: {count, seconds}}. */
  stageSummary(): Record<string, { count: number; seconds: number }> {
    const out: Record<string, { count: number; seconds: number }> = {};
    for (const [k, h] of this.stages) out[k] = { count: h.count, seconds: h.sum };
    return out;
  }

  render(threadsByState: Record<string, number>, labels: { worker_name: string }): string {
    const g = `worker_name=${JSON.stringify(labels.worker_name)}`;
    const lines: string[] = [];
    const hist = (name: string, help: string, label: string, m: Map<string, Histogram>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      for (const [k, h] of [...m].sort(([a], [b]) => a.localeCompare(b))) {
        const l = `${g},${label}=${JSON.stringify(k)}`;
        for (const [i, b] of buckets.entries()) lines.push(`${name}_bucket{${l},le="${b}"} ${h.counts[i] ?? 0}`);
        lines.push(
          `${name}_bucket{${l},le="+Inf"} ${h.count}`,
          `${name}_sum{${l}} ${h.sum}`,
          `${name}_count{${l}} ${h.count}`,
        );
      }
    };
    hist("sealfarm_worker_stage_duration_seconds", "Time one processor task of a stage took.", "stage", this.stages);
    hist("sealfarm_worker_state_duration_seconds", "Time a sector spent in one sealing state.", "state", this.states);
    lines.push(
      "# HELP sealfarm_worker_threads Sealing threads by thread state.",
      "# TYPE sealfarm_worker_threads gauge",
    );
    for (const [state, n] of Object.entries(threadsByState).sort())
      lines.push(`sealfarm_worker_threads{${g},state="${state}"} ${n}`);
    lines.push(
      "# HELP sealfarm_worker_events_total Sector outcomes and failures.",
      "# TYPE sealfarm_worker_events_total counter",
    );
    for (const [k, n] of [...this.counters].sort()) {
      const [name, rest] = k.includes("{") ? [k.slice(0, k.indexOf("{")), k.slice(k.indexOf("{") + 1, -1)] : [k, ""];
      lines.push(`sealfarm_worker_events_total{${g},event="${name}"${rest ? `,${rest}` : ""}} ${n}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
