// WorkerHost: one sealing or WindowPoSt host. planWorkerHost (pure, exported, tested without an engine) turns the
// host's class and role into the files and the unit; the component only unwraps the secrets and creates children:
//   <host>-prepare         one-shot RemoteScript: the service user and the store directories
//   <host>-release         RemoteRelease: the agent + sealfarm-proofs under /opt/sealfarm/releases/<hash>
//   <host>-worker-toml     RemoteFile: /etc/sealfarm/worker.toml (holds the manager token: a secret)
//   <host>-manager-ca      RemoteFile: /etc/sealfarm/manager-tls.crt, the manager's certificate the worker pins
//   <host>-worker-service  SystemdService: sealfarm-worker.service, restarted only when its own trigger changes
import * as pulumi from "@pulumi/pulumi";
import type { FarmHost } from "./core/config/load-farm.js";
import type { MachineClass } from "./core/config/machine-class.js";
import type { SectorSizeName } from "./core/config/sector-size.js";
import { type HostPlan, type PlanContext, planHost } from "./core/plan/plan-host.js";
import { WORKER_MANAGER_CA } from "./core/render/manager-tls.js";
import { renderWorkerUnit, SERVICE_USER, WORKER_CONFIG_PATH } from "./core/render/service-units.js";
import { renderWorkerToml } from "./core/render/worker-toml.js";
import {
  createHostFoundation,
  type HostConnection,
  prepareHostScript,
  type ReleaseRef,
  serviceTrigger,
  unprepareHostScript,
} from "./host-foundation.js";
import { RemoteFile } from "./providers/remote-file.js";
import { SystemdService } from "./providers/systemd-service.js";

export const WORKER_UNIT_NAME = "sealfarm-worker.service";
export const CONFIG_DIR = "/etc/sealfarm";

export interface WorkerHostPlan {
  readonly plan: HostPlan;
  /** The directories the worker writes: its sealing stores and the persist stores. */
  readonly storePaths: readonly string[];
  readonly unitText: string;
  readonly prepareScript: string;
  /** Run by destroy: the directories the preparation made. */
  readonly unprepareScript: string;
}

/** Everything about a worker host that does not depend on a secret. Pure. */
export function planWorkerHost(
  host: FarmHost,
  mc: MachineClass,
  sectorSize: SectorSizeName,
  context: Partial<PlanContext>,
): WorkerHostPlan {
  const plan = planHost(mc, host.role, sectorSize, { ...context, workerName: host.name });
  const storePaths = [
    ...plan.workerToml.sealing_thread.flatMap((t) => (t.location === undefined ? [] : [t.location])),
    ...plan.workerToml.attached.map((a) => a.location),
  ];
  return {
    plan,
    storePaths,
    unitText: renderWorkerUnit({ storePaths }),
    prepareScript: prepareHostScript(SERVICE_USER, storePaths, [CONFIG_DIR]),
    unprepareScript: unprepareHostScript(storePaths, [CONFIG_DIR]),
  };
}

export interface WorkerHostArgs {
  readonly host: FarmHost;
  readonly machineClass: MachineClass;
  readonly sectorSize: SectorSizeName;
  /** Farm-level planning inputs: the manager's RPC address, miners, persist stores. */
  readonly planContext: Partial<PlanContext>;
  readonly release: ReleaseRef;
  readonly connection: HostConnection;
  readonly sshPrivateKey: pulumi.Input<string>;
  readonly managerToken: pulumi.Input<string>;
  /** The manager's TLS endpoint and certificate: the worker reaches it over https and pins this certificate. */
  readonly managerTls: pulumi.Input<{ url: string; certPem: string; fingerprint: string }>;
}

export class WorkerHost extends pulumi.ComponentResource {
  public readonly threads: number;
  public readonly expectedSectorsPerDay: number | undefined;
  public readonly service: SystemdService;

  constructor(name: string, args: WorkerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    // No args to super: they would be stored as the component's inputs, and they include secrets.
    super("sealfarm:index:WorkerHost", name, {}, opts);
    const h = args.host.name;
    const p = planWorkerHost(args.host, args.machineClass, args.sectorSize, args.planContext);
    const { connection, prepare, release } = createHostFoundation(this, h, args, p.prepareScript, p.unprepareScript);
    const toml = pulumi.all([pulumi.secret(args.managerToken), args.managerTls]).apply(([managerToken, tls]) =>
      renderWorkerToml(p.plan, {
        managerToken,
        managerTls: { url: tls.url, caFile: WORKER_MANAGER_CA, fingerprint: tls.fingerprint },
      }),
    );
    const managerCa = new RemoteFile(
      `${h}-manager-ca`,
      {
        connection,
        path: WORKER_MANAGER_CA,
        content: pulumi.output(args.managerTls).apply((t) => t.certPem),
        mode: "0644",
        owner: "root",
      },
      { parent: this, dependsOn: [prepare] },
    );
    const config = new RemoteFile(
      `${h}-worker-toml`,
      { connection, path: WORKER_CONFIG_PATH, content: toml, mode: "0640", owner: "root", group: SERVICE_USER },
      { parent: this, dependsOn: [prepare, managerCa] },
    );
    this.service = new SystemdService(
      `${h}-worker-service`,
      {
        connection,
        name: WORKER_UNIT_NAME,
        unit: p.unitText,
        restartTrigger: toml.apply((t) => serviceTrigger([p.unitText, t, args.release.hash])),
      },
      { parent: this, dependsOn: [release, config, managerCa] },
    );
    this.threads = p.plan.report.threads;
    this.expectedSectorsPerDay = p.plan.report.expectedSectorsPerDay;
    this.registerOutputs({
      threads: this.threads,
      expectedSectorsPerDay: this.expectedSectorsPerDay,
      activeState: this.service.activeState,
    });
  }
}
