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
  /** Reach the manager over TLS: its https:// URL and the pinned certificate (file on the host, fingerprint). */
  readonly managerTls?: { readonly url: string; readonly caFile: string; readonly fingerprint: string };
}

export function renderWorkerToml(plan: HostPlan, options: RenderWorkerOptions = {}): string {
  const r = plan.report;
  const summary =
    r.role === "sealer"
      ? `# ${r.class}, role sealer, ${r.sectorSize}: ${r.threads} sealing thread(s), bound by ${r.bottleneck}, ` +
        `about ${r.expectedSectorsPerDay} sectors/day`
      : `# ${r.class}, role post, ${r.sectorSize}: ${r.threads} WindowPoSt thread(s), bound by ${r.bottleneck}`;
  const toml = withTls(withToken(plan, options.managerToken), options.managerTls);
  return `${MANAGED_HEADER}\n${summary}\n\n${stringify(sortKeys(toml))}\n`;
}

function withTls(toml: HostPlan["workerToml"], tls: RenderWorkerOptions["managerTls"]): HostPlan["workerToml"] {
  if (tls === undefined) return toml;
  return {
    ...toml,
    sector_manager: { ...toml.sector_manager, rpc_client: { ...toml.sector_manager.rpc_client, addr: tls.url } },
    sealfarm: { tls: { manager_ca_file: tls.caFile, manager_fingerprint: tls.fingerprint } },
  };
}

function withToken(plan: HostPlan, token: string | undefined): HostPlan["workerToml"] {
  if (token === undefined) return plan.workerToml;
  return { ...plan.workerToml, sector_manager: { ...plan.workerToml.sector_manager, token } };
}
