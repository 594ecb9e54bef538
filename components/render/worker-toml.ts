// Renders a host plan as damocles worker TOML: managed-by header, a comment with the capacity summary, then the
// TOML library's output of the key-sorted object. Values are never interpolated into TOML text.
import { stringify } from "smol-toml";
import type { HostPlan } from "../plan/plan-host.js";
import { MANAGED_HEADER } from "./managed-header.js";
import { sortKeys } from "./sort-keys.js";

export interface RenderWorkerOptions {
  /**
   * The manager API token (`sector_manager.token`). It makes the rendered text a secret: callers keep it inside a
   * Pulumi secret. The plan itself never holds it, so plans and reports can be logged.
   */
  readonly managerToken?: string;
}

export function renderWorkerToml(plan: HostPlan, options: RenderWorkerOptions = {}): string {
  const r = plan.report;
  const summary =
    r.role === "sealer"
      ? `# ${r.class}, role sealer, ${r.sectorSize}: ${r.threads} sealing thread(s), bound by ${r.bottleneck}, ` +
        `about ${r.expectedSectorsPerDay} sectors/day`
      : `# ${r.class}, role post, ${r.sectorSize}: ${r.threads} WindowPoSt thread(s), bound by ${r.bottleneck}`;
  return `${MANAGED_HEADER}\n${summary}\n\n${stringify(sortKeys(withToken(plan, options.managerToken)))}\n`;
}

function withToken(plan: HostPlan, token: string | undefined): HostPlan["workerToml"] {
  if (token === undefined) return plan.workerToml;
  return { ...plan.workerToml, sector_manager: { ...plan.workerToml.sector_manager, token } };
}
