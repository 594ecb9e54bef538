// The worker's admission of its own configuration: at its busiest, what do the sealing threads ask of the host?
// For each processor stage a thread's plan runs, as many tasks may run at once as the stage's `concurrent` limit
// allows (one per thread that runs it when there is no limit), each at the largest sector size those threads
// accept, costed from the one stage-cost table the planner sizes hosts with. A configuration that cannot fit the
// host's memory is said at start (`worker run` logs it, `worker check` lists it) rather than found by the OOM
// killer in the middle of a PC1. Threads without `allowed_sizes` accept any size and are not counted: their
// largest sector is the manager's to decide.
import type { PaddedBytes } from "../../../components/core/units/bytes.js";
import { mergeSealing, type Plan, type WorkerConfig } from "../config/worker-config.js";
import { admissionProblem, costOf } from "./stage-cost.js";

export function admitConfiguration(
  config: WorkerConfig,
  stagesOfPlan: (plan: Plan) => readonly string[],
  hostRamBytes: number,
): string[] {
  const demand = new Map<string, { threads: number; size: PaddedBytes }>();
  for (const t of config.threads) {
    const sizes = mergeSealing(config.sealing, t.sealing).allowedSizes;
    if (sizes === undefined || sizes.length === 0) continue;
    const largest = Math.max(...sizes) as PaddedBytes;
    for (const stage of stagesOfPlan(t.plan)) {
      const d = demand.get(stage);
      demand.set(stage, {
        threads: (d?.threads ?? 0) + 1,
        size: d === undefined || largest > d.size ? largest : d.size,
      });
    }
  }
  const problems: string[] = [];
  for (const [stage, d] of [...demand].sort(([a], [b]) => a.localeCompare(b))) {
    const tasks = Math.min(d.threads, config.processors.concurrent[stage] ?? Number.POSITIVE_INFINITY);
    const one = costOf(stage, d.size);
    const problem = admissionProblem(
      `${tasks} ${stage} task(s) at once`,
      { ...one, ramBytes: tasks * one.ramBytes, gpus: 0 },
      { ramBytes: hostRamBytes, gpus: 0 },
    );
    if (problem !== undefined)
      problems.push(
        `${config.file}: processors.limitation.concurrent.${stage}: ${problem} (lower the limit, or run fewer threads of these sizes)`,
      );
  }
  return problems;
}
