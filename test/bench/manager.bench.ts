import { writeFileSync } from "node:fs";
import http from "node:http";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { encodeRequest } from "../../agent/shared/rpc/json-rpc.js";
import { DIALECTS, freshDatabase, type TestDatabase } from "../integration/manager/dialects.js";
import { startManagerChild } from "../support/child-process.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CLIENTS = (process.env.BENCH_CLIENTS ?? "1,64,512").split(",").map(Number);

interface Backend {
  label: string;
  dialect: "sqlite" | "postgres";
  synchronous?: "full" | "normal";
}

const BACKENDS: Backend[] = [
  { label: "sqlite (synchronous=full)", dialect: "sqlite", synchronous: "full" },
  { label: "sqlite (synchronous=normal)", dialect: "sqlite", synchronous: "normal" },
  { label: "postgres", dialect: "postgres" },
].filter((b) => DIALECTS.includes(b.dialect as "sqlite" | "postgres")) as Backend[];

function request(agent: http.Agent, url: URL, method: "GET" | "POST", body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {},
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => resolve(text));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** One client loop per concurrent client; every request's latency is recorded after a short warm-up. */
async function drive(
  clients: number,
  next: (client: number, i: number) => { method: "GET" | "POST"; url: URL; body?: string },
): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  const warmupEnd = performance.now() + 300;
  const end = warmupEnd + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < end; i++) {
        const r = next(client, i);
        const t0 = performance.now();
        const text = await request(agent, r.url, r.method, r.body);
        const t1 = performance.now();
        if (r.method === "POST" && text.includes('"error"')) errors++;
        if (t0 >= warmupEnd) latencies.push(t1 - t0);
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / SECONDS, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

const WORKER = { Instance: "bench", Location: "/bench/0" };

async function benchBackend(b: Backend): Promise<Map<number, { rpc: Result; floor: Result }>> {
  const tdb: TestDatabase = await freshDatabase(b.dialect);
  writeFileSync(
    join(tdb.home, "manager.toml"),
    `listen = "127.0.0.1:0"\n[db]\nurl = "${tdb.url}"\nsynchronous = "${b.synchronous ?? "full"}"\n[chain]\nblock_time = "1s"\n[[miners]]\nactor = 1000\nmax_number = 100000000\n`,
  );
  const { child, url } = await startManagerChild(tdb.home, { stderr: "inherit" });
  const rpc = new URL("/rpc/v0", url);
  const health = new URL("/healthcheck", url);
  const out = new Map<number, { rpc: Result; floor: Result }>();
  try {
    // 200 sectors to report on and poll.
    const agent = new http.Agent({ keepAlive: true });
    const sectors: { Miner: number; Number: number }[] = [];
    for (let i = 0; i < 200; i++) {
      const text = await request(
        agent,
        rpc,
        "POST",
        encodeRequest(i, "Venus.AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]),
      );
      sectors.push((JSON.parse(text) as { result: { ID: { Miner: number; Number: number } } }).result.ID);
    }
    agent.destroy();
    const mix = (client: number, i: number) => {
      const sid = sectors[(client * 7 + i) % sectors.length];
      const k = (client + i) % 20;
      // 40% ReportState, 20% PollPreCommitState, 15% PollProofState, 15% WorkerPing, 10% AllocateSector.
      let body: string;
      if (k < 8)
        body = encodeRequest(i, "Venus.ReportState", [
          sid,
          { Worker: WORKER, StateChange: { Prev: "PC1Done", Next: "PC2Done", Event: "None" }, Failure: null },
        ]);
      else if (k < 12) body = encodeRequest(i, "Venus.PollPreCommitState", [sid]);
      else if (k < 15) body = encodeRequest(i, "Venus.PollProofState", [sid]);
      else if (k < 18)
        body = encodeRequest(i, "Venus.WorkerPing", [
          {
            Name: `w${client % 32}`,
            Dest: "127.0.0.1:17890",
            Version: "bench",
            Summary: { Threads: 8, Empty: 0, Paused: 0, Running: 8, Waiting: 0, Errors: 0 },
          },
        ]);
      else body = encodeRequest(i, "Venus.AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      return { method: "POST" as const, url: rpc, body };
    };
    for (const n of CLIENTS) {
      const floor = await drive(n, () => ({ method: "GET", url: health }));
      const r = await drive(n, mix);
      out.set(n, { rpc: r, floor });
      console.error(
        `  ${b.label} @${n}: ${r.rps.toFixed(0)} req/s p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms (errors ${r.errors})`,
      );
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await tdb.drop();
  }
  return out;
}

// Figures depend on what else runs: print the machine and its load next to them.
console.log(
  `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
const results = new Map<string, Map<number, { rpc: Result; floor: Result }>>();
for (const b of BACKENDS) {
  console.error(`benchmarking ${b.label} for ${SECONDS}s per level…`);
  results.set(b.label, await benchBackend(b));
}

const header = ["clients", ...BACKENDS.map((b) => b.label)];
const rows: string[][] = [];
for (const n of CLIENTS) {
  rows.push([
    String(n),
    ...BACKENDS.map((b) => {
      const r = results.get(b.label)?.get(n);
      if (!r) return "-";
      const ratio = r.rpc.rps / r.floor.rps;
      return `${r.rpc.rps.toFixed(0)} req/s, p50 ${r.rpc.p50.toFixed(2)} ms, p99 ${r.rpc.p99.toFixed(2)} ms (${(ratio * 100).toFixed(0)}% of /healthcheck)`;
    }),
  ]);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
console.log(fmt(header));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(fmt(r));
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
const sqlite = results.get("sqlite (synchronous=full)");
const pgr = results.get("postgres");
if (sqlite && pgr) {
  console.log("");
  for (const n of CLIENTS) {
    const a = sqlite.get(n)?.rpc.rps ?? 0;
    const p = pgr.get(n)?.rpc.rps ?? 0;
    console.log(`postgres / sqlite(full) throughput at ${n} clients: ${(p / a).toFixed(2)}`);
  }
}
