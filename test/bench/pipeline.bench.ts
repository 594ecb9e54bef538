// `npm run bench:pipeline`: seal 8 MiB sectors with 4 threads and a PC1 limit of 2 (real manager, real agent,
// real sealfarm-proofs), measure every sector's time in each state, and print the pipeline efficiency =
// (lower bound on the makespan from those measured times and the limits) / (measured makespan).
//   node --import tsx test/bench/pipeline.bench.ts [--sectors 8] [--threads 4] [--pc1-limit 2] [--sector-size 8MiB]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "smol-toml";
import { planDev } from "../../agent/dev/dev-plan.js";
import { configPath, loadManagerConfig } from "../../agent/manager/config/load-manager-config.js";
import { startManager } from "../../agent/manager/manager.js";
import { loadWorkerConfig } from "../../agent/worker/config/load-worker-config.js";
import { defaultProofsBin } from "../../agent/worker/default-bin.js";
import type { AnySectorRecord } from "../../agent/worker/planner/sector.js";
import { makespanLowerBound } from "../../agent/worker/resources/pipeline-bound.js";
import { renderTable } from "../../agent/worker/rpc/render-thread-table.js";
import { WorkerAgent } from "../../agent/worker/worker-agent.js";
import { formatDurationMs } from "../../components/core/units/duration.js";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const sectors = Number(arg("sectors", "8"));
const threads = Number(arg("threads", "4"));
const pc1Limit = Number(arg("pc1-limit", "2"));
const sectorSize = arg("sector-size", "8MiB");

const root = mkdtempSync(join(tmpdir(), "sealfarm-bench-pipeline-"));
const plan = planDev({ root, sectors, sectorSize, threads, managerPort: 0, workerPort: 0 });
const mt = plan.managerToml as { miners: Array<Record<string, unknown>> };
for (const m of mt.miners) m.enable_deals = false;
const wt = plan.workerToml as {
  sector_manager: { rpc_client: { addr: string } };
  sealing: Record<string, unknown>;
  sealing_thread: unknown[];
  processors: { limitation: { concurrent: Record<string, number> } };
};
wt.sealing.enable_deals = false;
// No pause between sectors: the interval is idle time by design (damocles' default is 30 s), not pipeline work.
wt.sealing.seal_interval = "10ms";
wt.sealing_thread = plan.storeDirs.map((location) => ({ location }));
wt.processors.limitation.concurrent = { pc1: pc1Limit };

mkdirSync(plan.managerHome, { recursive: true });
writeFileSync(configPath(plan.managerHome), stringify(plan.managerToml));
const manager = await startManager({ config: loadManagerConfig(plan.managerHome) });
wt.sector_manager.rpc_client.addr = manager.url;
mkdirSync(join(root, "worker"), { recursive: true });
writeFileSync(plan.workerFile, stringify(plan.workerToml));
const { config } = loadWorkerConfig(plan.workerFile, { defaultBin: defaultProofsBin() });

const finished: AnySectorRecord[] = [];
let lastFinish = 0;
let allDone: () => void = () => {};
const done = new Promise<void>((r) => {
  allDone = r;
});
console.log(`pipeline bench: ${sectors} × ${sectorSize} sectors, ${threads} threads, pc1 limit ${pc1Limit}, ${root}`);
const t0 = Date.now();
const agent = await WorkerAgent.start({
  config,
  defaultBin: defaultProofsBin(),
  log: () => {},
  onSectorDone: (_name, outcome, record) => {
    if (outcome !== "finished") throw new Error(`sector ${_name} ${outcome}`);
    finished.push(record);
    lastFinish = Date.now();
    if (finished.length >= sectors) allDone();
  },
});
try {
  await done;
} finally {
  await agent.stop();
  await manager.close();
}
const makespanMs = lastFinish - t0;
// Work time per state: the time a sector spent waiting for a stage slot is left out, so the bound is what an ideal
// schedule under the same limits could reach.
const perSector = finished.map(
  (r) =>
    Object.entries(r.stateMs).map(([st, ms]) => [
      st,
      (ms ?? 0) - (r.stateWaitMs?.[st as keyof typeof r.stateMs] ?? 0),
    ]) as Array<[string, number]>,
);
const waitedMs = finished.reduce((a, r) => a + Object.values(r.stateWaitMs ?? {}).reduce((x, y) => x + (y ?? 0), 0), 0);
const bound = makespanLowerBound({ sectors: perSector, threads, limits: { TicketAssigned: pc1Limit } });

const states = [...new Set(perSector.flatMap((s) => s.map(([st]) => st)))];
console.log(
  renderTable(
    ["state", "mean", "max"],
    states.map((st) => {
      const v = perSector.map((s) => s.find(([x]) => x === st)?.[1] ?? 0);
      return [st, formatDurationMs(v.reduce((a, b) => a + b, 0) / v.length), formatDurationMs(Math.max(...v))];
    }),
  ),
);
const stages = agent.metrics.stageSummary();
console.log(
  renderTable(
    ["stage", "tasks", "mean"],
    Object.entries(stages).map(([k, v]) => [
      k,
      String(v.count),
      formatDurationMs((v.seconds * 1000) / Math.max(1, v.count)),
    ]),
  ),
);
console.log(`time sectors spent waiting for a stage slot: ${formatDurationMs(waitedMs)} in total`);
console.log(
  `bounds: longest sector ${formatDurationMs(bound.parts.longestSectorMs)}, threads ${formatDurationMs(bound.parts.threadsMs)}, pc1 limit ${formatDurationMs(bound.parts.limited.TicketAssigned ?? 0)}`,
);
const efficiency = bound.boundMs / makespanMs;
console.log(
  `pipeline efficiency = ${efficiency.toFixed(3)} (lower bound ${formatDurationMs(bound.boundMs)} / measured makespan ${formatDurationMs(makespanMs)}; goal >= 0.9)`,
);
rmSync(root, { recursive: true, force: true });
