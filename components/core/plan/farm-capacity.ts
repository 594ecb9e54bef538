// The capacity of a whole farm: every worker host planned with its class, role and the farm's sector size, and
// the sum of what they seal per day. A host whose class cannot run its role is reported with the host's key path,
// all of them at once, so a farm that does not fit is explained before anything is deployed.
import type { FarmConfig, HostRole } from "../config/load-farm.js";
import type { MachineClass } from "../config/machine-class.js";
import { sectorSizeBytes } from "../config/sector-size.js";
import { PlanError } from "./plan-error.js";
import { planHost, type Resource } from "./plan-host.js";

export interface HostCapacity {
  readonly name: string;
  readonly class: string;
  readonly role: HostRole;
  readonly threads: number;
  readonly bottleneck: Resource;
  /** Sealers only. */
  readonly expectedSectorsPerDay?: number;
}

export interface FarmCapacity {
  readonly hosts: readonly HostCapacity[];
  readonly sectorsPerDay: number;
  /** Raw sealed capacity added per day (sectors x sector size). */
  readonly bytesPerDay: number;
}

export function farmCapacity(
  farm: FarmConfig,
  classes: ReadonlyMap<string, MachineClass>,
  configKey = "sealfarm:farm",
): FarmCapacity {
  const hosts: HostCapacity[] = [];
  const problems: string[] = [];
  farm.hosts.forEach((h, i) => {
    const mc = classes.get(h.class);
    if (mc === undefined) {
      problems.push(`${configKey}/hosts/${i} (${h.name}): unknown class "${h.class}"`);
      return;
    }
    try {
      const r = planHost(mc, h.role, farm.sectorSize, { workerName: h.name }).report;
      hosts.push({
        name: h.name,
        class: h.class,
        role: h.role,
        threads: r.threads,
        bottleneck: r.bottleneck,
        ...(r.expectedSectorsPerDay === undefined ? {} : { expectedSectorsPerDay: r.expectedSectorsPerDay }),
      });
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      problems.push(`${configKey}/hosts/${i} (${h.name}): ${error.message}`);
    }
  });
  if (problems.length > 0) throw new PlanError(problems.join("\n"));
  const sectorsPerDay = Math.round(hosts.reduce((sum, h) => sum + (h.expectedSectorsPerDay ?? 0), 0) * 10) / 10;
  return { hosts, sectorsPerDay, bytesPerDay: sectorsPerDay * sectorSizeBytes(farm.sectorSize) };
}
