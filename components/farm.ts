// Farm: the whole farm from its validated stack config. One ManagerHost, then one WorkerHost per host (sealer or
// PoSt), each named after its host, never after its position in the list, so adding, removing or reordering hosts
// touches only those hosts. Secrets (SSH key, manager auth secret, worker token) arrive as Pulumi secrets and are
// never passed to `super`, whose arguments would be stored as plain component inputs.
import * as pulumi from "@pulumi/pulumi";
import { createToken } from "./core/auth/tokens.js";
import type { FarmConfig, FarmHost, SshTarget } from "./core/config/load-farm.js";
import type { MachineClass } from "./core/config/machine-class.js";
import { farmManagerTls, managerTlsUrl } from "./core/render/manager-tls.js";
import type { HostConnection, ReleaseRef } from "./host-foundation.js";
import { ManagerHost, managerRpcAddr } from "./manager-host.js";
import { WorkerHost } from "./worker-host.js";

/** Connection tuning applied to every host (retries and timeouts); the targets come from the farm config. */
export interface ConnectionTuning {
  readonly connectAttempts?: number;
  readonly retryBaseMs?: number;
  readonly timeoutMs?: number;
}

export interface FarmArgs {
  readonly farm: FarmConfig;
  readonly classes: ReadonlyMap<string, MachineClass>;
  readonly release: ReleaseRef;
  readonly sshPrivateKey: pulumi.Input<string>;
  /** 64 hex characters: the manager's token-signing key (its auth.secret). */
  readonly managerAuthSecret: pulumi.Input<string>;
  /** The workers' API token; when omitted, a write token is derived from managerAuthSecret (stable across runs). */
  readonly managerToken?: pulumi.Input<string>;
  readonly tuning?: ConnectionTuning;
}

export function hostConnection(address: string, ssh: SshTarget, tuning: ConnectionTuning = {}): HostConnection {
  return { host: address, port: ssh.port, user: ssh.user, hostKey: ssh.hostKey, ...tuning };
}

/** The class of every machine, or an error naming each machine whose class is missing. Pure. */
export function resolveClasses(
  farm: FarmConfig,
  classes: ReadonlyMap<string, MachineClass>,
): { manager: MachineClass; hosts: Map<string, MachineClass> } {
  const missing: string[] = [];
  const get = (who: string, name: string) => {
    const mc = classes.get(name);
    if (!mc) missing.push(`${who}: class ${JSON.stringify(name)} is not defined`);
    return mc;
  };
  const manager = get(`manager ${farm.manager.name}`, farm.manager.class);
  const hosts = new Map<string, MachineClass>();
  for (const h of farm.hosts) {
    const mc = get(`host ${h.name}`, h.class);
    if (mc) hosts.set(h.name, mc);
  }
  if (missing.length > 0 || !manager) throw new Error(`farm: ${missing.join("; ")}`);
  return { manager, hosts };
}

/** A write token derived from the auth secret with a fixed issue time and an expiry at the start of the year after
 * next (UTC), so it is the same on every run within a year and the yearly `pulumi up` renews it before it expires.
 * Rotating managerAuthSecret revokes it. */
export function deriveWorkerToken(authSecretHex: string, nowMs = Date.now()): string {
  const hex = authSecretHex.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error("sealfarm:managerAuthSecret: expected 64 lowercase hex characters");
  const expiresAtMs = Date.UTC(new Date(nowMs).getUTCFullYear() + 2, 0, 1);
  return createToken(Buffer.from(hex, "hex"), "write", { nowMs: 0, expiresAtMs });
}

export interface HostSummary {
  readonly role: FarmHost["role"] | "manager";
  readonly address: string;
  readonly class: string;
  readonly threads?: number;
  readonly expectedSectorsPerDay?: number;
}

export class Farm extends pulumi.ComponentResource {
  public readonly manager: ManagerHost;
  public readonly workers: ReadonlyMap<string, WorkerHost>;
  public readonly summary: Readonly<Record<string, HostSummary>>;

  constructor(name: string, args: FarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sealfarm:index:Farm", name, {}, opts);
    const { farm } = args;
    const classes = resolveClasses(farm, args.classes);
    const managerToken = args.managerToken ?? pulumi.secret(args.managerAuthSecret).apply((s) => deriveWorkerToken(s));

    this.manager = new ManagerHost(
      `${farm.manager.name}-manager`,
      {
        farm,
        release: args.release,
        connection: hostConnection(farm.manager.address, farm.manager.ssh, args.tuning),
        sshPrivateKey: args.sshPrivateKey,
        managerAuthSecret: args.managerAuthSecret,
      },
      { parent: this },
    );
    // The farm's certificate, derived from the auth secret; only its public half and pin go to the workers.
    const managerTls = pulumi.unsecret(
      pulumi.secret(args.managerAuthSecret).apply((s) => {
        const c = farmManagerTls(farm, s);
        return { url: managerTlsUrl(farm), certPem: c.certPem, fingerprint: c.fingerprint };
      }),
    );
    const context = {
      managerRpcAddr: managerRpcAddr(farm),
      miners: farm.miners,
      persistStores: farm.persistStores,
      enableDeals: farm.deals,
    };
    const workers = new Map<string, WorkerHost>();
    const summary: Record<string, HostSummary> = {
      [farm.manager.name]: { role: "manager", address: farm.manager.address, class: farm.manager.class },
    };
    for (const host of farm.hosts) {
      const worker = new WorkerHost(
        `${host.name}-${host.role}`,
        {
          host,
          machineClass: classes.hosts.get(host.name) as MachineClass,
          sectorSize: farm.sectorSize,
          planContext: context,
          release: args.release,
          connection: hostConnection(host.address, host.ssh, args.tuning),
          sshPrivateKey: args.sshPrivateKey,
          managerToken,
          managerTls,
        },
        // A worker needs its manager's config in place first; the manager does not wait for workers.
        { parent: this, dependsOn: [this.manager] },
      );
      workers.set(host.name, worker);
      summary[host.name] = {
        role: host.role,
        address: host.address,
        class: host.class,
        threads: worker.threads,
        ...(worker.expectedSectorsPerDay === undefined ? {} : { expectedSectorsPerDay: worker.expectedSectorsPerDay }),
      };
    }
    this.workers = workers;
    this.summary = summary;
    this.registerOutputs({ managerRpcAddr: managerRpcAddr(farm), hosts: summary });
  }
}
