// What a worker config means, as `sealfarm worker check` prints it: pure, from the loaded config, the identity the
// worker would report (or why it could not be learned), and the stages the bundled proof binary knows. An operator
// moving from damocles reads this to see that sealfarm understood their file the way damocles would.
import { admitConfiguration } from "../resources/admit-config.js";
import { processorStagesOfPlan } from "../thread/plan-spec.js";
import { mergeSealing, type ProcessorStage, type SealingOptions, type WorkerConfig } from "./worker-config.js";

/** Environment variables that choose a GPU for a processor (CUDA and the NVIDIA container runtime). */
const gpuEnvNames = ["CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL"];

export interface ThreadFacts {
  index: number;
  plan: string;
  /** The sealing store (damocles' thread `location`); wdpost threads have none. */
  location: string | null;
  sealing: SealingOptions;
}

export interface ProcessorFacts {
  index: number;
  bin: string;
  args: string[];
  cpuset: string | null;
  numaNode: number | null;
  gpu: Record<string, string>;
  /** Tasks in flight at once in this child; null = unbounded (damocles counts it as 64 when balancing). */
  concurrent: number | null;
  locks: string[];
  envs: Record<string, string>;
}

export interface StageFacts {
  stage: string;
  /** "config": `[[processors.<stage>]]` children; "default": one child of the bundled binary. */
  source: "config" | "default";
  /** `processors.limitation.concurrent.<stage>`: tasks of this stage at once across all children; null = no limit. */
  limit: number | null;
  staggeredMs: number | null;
  processors: ProcessorFacts[];
}

export interface WorkerFacts {
  file: string;
  ok: boolean;
  problems: string[];
  warnings: string[];
  manager: { url: string; token: boolean; pieceToken: boolean };
  worker: {
    name: string | null;
    nameFrom: "config" | "local address toward the manager" | "unknown (manager unreachable)";
    dest: string | null;
    rpcListen: string;
  };
  threads: ThreadFacts[];
  stages: StageFacts[];
  extLocks: Record<string, number>;
  staticTreeD: Record<string, string>;
  attached: Array<{ name: string; location: string; readonly: boolean }>;
  scanPersistStores: string[];
  metrics: { enable: boolean; httpListen: string };
}

export interface DescribeInputs {
  config: WorkerConfig;
  warnings: string[];
  /** The identity the worker would report, or the reason it could not be learned (manager down, loopback Dest). */
  identity: { name: string; dest: string } | { error: string; unreachable: boolean };
  /** The bundled binary's path and the stages it serves (as `sealfarm-proofs stages --json` lists them). */
  bundled: { bin: string; stages: readonly string[] };
  /** The host's memory, when the check runs on the host the worker will run on: its admission is then listed. */
  hostRamBytes?: number;
}

export function describeWorkerConfig(i: DescribeInputs): WorkerFacts {
  const c = i.config;
  const problems: string[] = [];
  const warnings = [...i.warnings];
  if (i.hostRamBytes !== undefined) warnings.push(...admitConfiguration(c, processorStagesOfPlan, i.hostRamBytes));
  // A stage without `[[processors.<stage>]]` runs on the bundled binary, which must serve it.
  for (const t of c.threads)
    for (const stage of processorStagesOfPlan(t.plan))
      if (c.processors.entries[stage as ProcessorStage] === undefined && !i.bundled.stages.includes(stage))
        problems.push(
          `${c.file}: sealing_thread[${t.index}].plan: "${t.plan}" runs the ${stage} stage, which has no [[processors.${stage}]] and which the bundled ${i.bundled.bin} does not serve (it serves ${i.bundled.stages.join(", ")})`,
        );
  let name: string | null = null;
  let dest: string | null = null;
  let nameFrom: WorkerFacts["worker"]["nameFrom"] = "config";
  if ("error" in i.identity) {
    if (i.identity.unreachable) {
      warnings.push(i.identity.error);
      nameFrom = c.worker.name === undefined ? "unknown (manager unreachable)" : "config";
    } else problems.push(i.identity.error);
    name = c.worker.name ?? null;
  } else {
    name = i.identity.name;
    dest = i.identity.dest;
    nameFrom = c.worker.name === undefined ? "local address toward the manager" : "config";
  }

  const usedStages = new Set(c.threads.flatMap((t) => processorStagesOfPlan(t.plan)));
  const stages: StageFacts[] = [];
  const stageNames = new Set<string>([...usedStages, ...(Object.keys(c.processors.entries) as ProcessorStage[])]);
  for (const stage of [...stageNames].sort()) {
    const entries = c.processors.entries[stage as ProcessorStage];
    const processors: ProcessorFacts[] = (entries ?? []).map((e) => ({
      index: e.index,
      bin: e.bin,
      args: e.args,
      cpuset: e.cpuset ?? null,
      numaNode: e.numaPreferred ?? null,
      gpu: Object.fromEntries(Object.entries(e.envs).filter(([k]) => gpuEnvNames.includes(k))),
      concurrent: e.concurrent ?? null,
      locks: e.locks,
      envs: e.envs,
    }));
    for (const p of processors) {
      // A damocles entry without `bin` runs the worker's own executable; here that is the bundled proof binary,
      // which must serve the stage (a custom bin is the operator's to vouch for).
      const stageArg = p.args[0] === "processor" ? p.args[1] : undefined;
      if (p.bin === i.bundled.bin && stageArg !== undefined && !i.bundled.stages.includes(stageArg))
        problems.push(
          `${c.file}: processors.${stage}[${p.index}]: no bin is set, so the bundled ${i.bundled.bin} would run "processor ${stageArg}", a stage it does not serve (it serves ${i.bundled.stages.join(", ")}); set bin to a processor that does`,
        );
    }
    stages.push({
      stage,
      source: entries === undefined ? "default" : "config",
      limit: c.processors.concurrent[stage] ?? null,
      staggeredMs: c.processors.staggeredMs[stage] ?? null,
      processors,
    });
  }

  return {
    file: c.file,
    ok: problems.length === 0,
    problems,
    warnings,
    manager: {
      url: c.sectorManager.url,
      token: c.sectorManager.token !== undefined,
      pieceToken: c.sectorManager.pieceToken !== undefined,
    },
    worker: { name, nameFrom, dest, rpcListen: `${c.worker.rpcHost}:${c.worker.rpcPort}` },
    threads: c.threads.map((t) => ({
      index: t.index,
      plan: t.plan,
      location: t.location ?? null,
      sealing: mergeSealing(c.sealing, t.sealing),
    })),
    stages,
    extLocks: c.processors.extLocks,
    staticTreeD: Object.fromEntries(
      Object.entries(c.processors.staticTreeD).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    attached: c.attached.map((a) => ({ name: a.name, location: a.location, readonly: a.readonly })),
    scanPersistStores: c.worker.scanPersistStores,
    metrics: c.metrics,
  };
}

const ms = (v: number) => (v % 60_000 === 0 ? `${v / 60_000}min` : v % 1000 === 0 ? `${v / 1000}s` : `${v}ms`);

/** The text form: one block per part, every fact on its own line. */
export function renderWorkerFacts(f: WorkerFacts): string {
  const out: string[] = [];
  out.push(`${f.file}: ${f.ok ? "ok" : `${f.problems.length} problem(s)`}`);
  out.push("");
  out.push(
    `manager   ${f.manager.url}${f.manager.token ? " (token set)" : ""}${f.manager.pieceToken ? " (piece_token set)" : ""}`,
  );
  out.push(`name      ${f.worker.name ?? "?"}  (${f.worker.nameFrom})`);
  out.push(`dest      ${f.worker.dest ?? "?"}  (reported to the manager; RPC listens on ${f.worker.rpcListen})`);
  out.push("");
  out.push("threads");
  for (const t of f.threads) {
    const s = t.sealing;
    const scope = [
      s.allowedMiners === undefined ? "any miner" : `miners ${s.allowedMiners.join(",")}`,
      s.enableDeals ? "deals" : "CC only",
    ].join(", ");
    out.push(
      `  [${t.index}] ${t.plan.padEnd(7)} ${t.location ?? "(no location: wdpost)"}  ${t.plan === "wdpost" ? "" : scope}`.trimEnd(),
    );
  }
  out.push("");
  out.push("processors");
  for (const st of f.stages) {
    const limit = [
      st.limit === null ? "" : `limit ${st.limit}`,
      st.staggeredMs === null ? "" : `staggered ${ms(st.staggeredMs)}`,
    ].filter(Boolean);
    out.push(
      `  ${st.stage}${limit.length > 0 ? ` (${limit.join(", ")})` : ""}${st.source === "default" ? ": one child of the bundled binary" : ""}`,
    );
    for (const p of st.processors) {
      const parts = [
        `${p.bin} ${p.args.join(" ")}`,
        p.cpuset === null ? "any cpu" : `cpus ${p.cpuset}`,
        p.numaNode === null ? "" : `numa ${p.numaNode}`,
        Object.keys(p.gpu).length === 0
          ? ""
          : Object.entries(p.gpu)
              .map(([k, v]) => `${k}=${v}`)
              .join(" "),
        p.concurrent === null ? "" : `concurrent ${p.concurrent}`,
        p.locks.length === 0 ? "" : `locks ${p.locks.join(",")}`,
      ].filter(Boolean);
      out.push(`    [${p.index}] ${parts.join("  ")}`);
    }
  }
  if (Object.keys(f.extLocks).length > 0)
    out.push(
      `  ext_locks ${Object.entries(f.extLocks)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
  out.push("");
  out.push("attached stores");
  for (const a of f.attached) out.push(`  ${a.name}  ${a.location}${a.readonly ? "  (read-only)" : ""}`);
  for (const g of f.scanPersistStores) out.push(`  scanned: ${g}`);
  if (f.attached.length === 0 && f.scanPersistStores.length === 0) out.push("  (none)");
  if (f.metrics.enable) out.push("", `metrics   http://${f.metrics.httpListen}/metrics`);
  for (const p of f.problems) out.push(`problem: ${p}`);
  for (const w of f.warnings) out.push(`warning: ${w}`);
  return out.join("\n");
}
