// damocles' external-processor line protocol (reference §4.2-4.3), pure: one ready line, then one JSON object
// per line each way. Requests `{id, task}`, responses `{id, err_msg, output}` matched by id.

/** The ready line a child prints first; `sealing_daemons` children print `EMPTY processor ready`. */
export function readyLine(stage: string): string {
  return stage === "sealing_daemons" ? "EMPTY processor ready" : `${stage} processor ready`;
}

export function encodeTaskRequest(id: number, task: unknown): string {
  return `${JSON.stringify({ id, task })}\n`;
}

export type ProcessorResponse = { id: number; ok: true; output: unknown } | { id: number; ok: false; error: string };

/** A stdout line → a response, or a reason why it is not one (the caller logs and skips it). */
export function decodeResponseLine(line: string): ProcessorResponse | { invalid: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { invalid: `not JSON: ${line.slice(0, 100)}` };
  }
  if (v === null || typeof v !== "object" || Array.isArray(v))
    return { invalid: `not an object: ${line.slice(0, 100)}` };
  const r = v as { id?: unknown; err_msg?: unknown; output?: unknown };
  if (typeof r.id !== "number" || !Number.isSafeInteger(r.id))
    return { invalid: `no numeric id: ${line.slice(0, 100)}` };
  if (r.err_msg !== undefined && r.err_msg !== null) return { id: r.id, ok: false, error: String(r.err_msg) };
  if (r.output === undefined || r.output === null) return { id: r.id, ok: false, error: "output field lost" };
  return { id: r.id, ok: true, output: r.output };
}

/**
 * The child's environment (reference "Corrections": parent env if `inherit_envs`, then the injected
 * NUMA/cgroup variables, then the entry's `envs`, which override them).
 */
export function childEnv(options: {
  parentEnv: Record<string, string | undefined>;
  inheritEnvs: boolean;
  stage: string;
  index: number;
  workerPid: number;
  cpuset: string | undefined;
  cgroupName: string;
  numaPreferred: number | undefined;
  envs: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.inheritEnvs) for (const [k, v] of Object.entries(options.parentEnv)) if (v !== undefined) env[k] = v;
  if (options.numaPreferred !== undefined) env.VENUS_WORKER_NUMA_PREFERRED = String(options.numaPreferred);
  if (options.cpuset !== undefined) {
    env.VC_CG_NAME = `${options.cgroupName}/sub-${options.stage}-${options.workerPid}-${options.index}`;
    env.VC_CG_CPUSET = options.cpuset;
  }
  Object.assign(env, options.envs);
  return env;
}

/** Selection among children (§4.5): the one with the most free capacity among those whose locks are free. */
export function pickChild(candidates: ReadonlyArray<{ free: boolean; max: number; load: number }>): number | undefined {
  let best: number | undefined;
  let bestRoom = Number.NEGATIVE_INFINITY;
  candidates.forEach((c, i) => {
    if (!c.free) return;
    const room = c.max - c.load;
    if (room > bestRoom) {
      best = i;
      bestRoom = room;
    }
  });
  return best;
}
