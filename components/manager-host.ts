// ManagerHost: the sector manager's host. planManagerHost (pure) renders manager.toml and the unit; the component
// creates the children:
//   <host>-prepare          one-shot RemoteScript: the service user and the manager's directories (home, piece store)
//   <host>-release          RemoteRelease
//   <host>-manager-toml     RemoteFile: <home>/manager.toml
//   <host>-auth-secret      RemoteFile: <home>/auth.secret (the key that signs API tokens: a secret, mode 0600)
//   <host>-tls-crt/-tls-key RemoteFile: <home>/tls.crt and tls.key, the farm's certificate (derived from the auth
//                           secret, core/render/manager-tls.ts) that the manager serves on its TLS port and workers pin
//   <host>-manager-service  SystemdService: sealfarm-manager.service, restarted only when its own trigger changes

import { posix } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { FarmConfig } from "./core/config/load-farm.js";
import type { ManagerToml } from "./core/config/manager-toml.js";
import { farmManagerTls, MANAGER_TLS_CERT, MANAGER_TLS_KEY, managerTlsPort } from "./core/render/manager-tls.js";
import { managerTomlForFarm, renderManagerToml } from "./core/render/manager-toml.js";
import { MANAGER_HOME, renderManagerUnit, SERVICE_USER } from "./core/render/service-units.js";
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

export const MANAGER_UNIT_NAME = "sealfarm-manager.service";

export interface ManagerHostPlan {
  readonly managerToml: ManagerToml;
  readonly managerTomlText: string;
  readonly unitText: string;
  readonly prepareScript: string;
  /** Run by destroy: the directories the preparation made. */
  readonly unprepareScript: string;
  readonly home: string;
}

/** manager.toml, the unit and the preparation for the farm's manager. Pure. */
export function planManagerHost(farm: FarmConfig, home: string = MANAGER_HOME): ManagerHostPlan {
  // The plain port stays for loopback and damocles peers; workers use the TLS port with the pinned certificate.
  const tls = { tlsPort: managerTlsPort(farm) };
  const managerToml = managerTomlForFarm(farm, tls);
  const persistPaths = farm.persistStores.map((s) => s.path);
  // The piece store is made here, owned by the service user: otherwise the first `sealfarm deals import` run as root
  // would create it root-owned, and the manager could not keep an unsealed piece uploaded into it.
  const pieceStore = posix.resolve(home, managerToml.piece_store.path);
  return {
    managerToml,
    managerTomlText: renderManagerToml(farm, tls),
    unitText: renderManagerUnit({ home, persistStorePaths: persistPaths }),
    prepareScript: prepareHostScript(SERVICE_USER, [home, pieceStore, ...persistPaths], []),
    unprepareScript: unprepareHostScript([home, pieceStore, ...persistPaths], []),
    home,
  };
}

export interface ManagerHostArgs {
  readonly farm: FarmConfig;
  readonly release: ReleaseRef;
  readonly connection: HostConnection;
  readonly sshPrivateKey: pulumi.Input<string>;
  /** 64 hex characters: the key the manager signs and checks API tokens with. */
  readonly managerAuthSecret: pulumi.Input<string>;
}

export class ManagerHost extends pulumi.ComponentResource {
  public readonly rpcAddr: string;
  public readonly service: SystemdService;

  constructor(name: string, args: ManagerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sealfarm:index:ManagerHost", name, {}, opts);
    const h = args.farm.manager.name;
    const p = planManagerHost(args.farm);
    const { connection, prepare, release } = createHostFoundation(this, h, args, p.prepareScript, p.unprepareScript);
    const config = new RemoteFile(
      `${h}-manager-toml`,
      {
        connection,
        path: `${p.home}/manager.toml`,
        content: p.managerTomlText,
        mode: "0640",
        owner: "root",
        group: SERVICE_USER,
      },
      { parent: this, dependsOn: [prepare] },
    );
    const secretText = pulumi.secret(args.managerAuthSecret).apply((s) => `${s.trim()}\n`);
    const authSecret = new RemoteFile(
      `${h}-auth-secret`,
      { connection, path: `${p.home}/auth.secret`, content: secretText, mode: "0600", owner: SERVICE_USER },
      { parent: this, dependsOn: [prepare] },
    );
    const cert = pulumi.secret(args.managerAuthSecret).apply((s) => farmManagerTls(args.farm, s));
    const tlsCrt = new RemoteFile(
      `${h}-tls-crt`,
      {
        connection,
        path: `${p.home}/${MANAGER_TLS_CERT}`,
        content: pulumi.unsecret(cert.apply((c) => c.certPem)),
        mode: "0644",
        owner: SERVICE_USER,
      },
      { parent: this, dependsOn: [prepare] },
    );
    const tlsKey = new RemoteFile(
      `${h}-tls-key`,
      {
        connection,
        path: `${p.home}/${MANAGER_TLS_KEY}`,
        content: cert.apply((c) => c.keyPem),
        mode: "0600",
        owner: SERVICE_USER,
      },
      { parent: this, dependsOn: [prepare] },
    );
    this.service = new SystemdService(
      `${h}-manager-service`,
      {
        connection,
        name: MANAGER_UNIT_NAME,
        unit: p.unitText,
        // The certificate follows the secret, so the secret in the trigger covers it.
        restartTrigger: secretText.apply((s) => serviceTrigger([p.unitText, p.managerTomlText, s, args.release.hash])),
      },
      { parent: this, dependsOn: [release, config, authSecret, tlsCrt, tlsKey] },
    );
    this.rpcAddr = managerRpcAddr(args.farm);
    this.registerOutputs({ rpcAddr: this.rpcAddr, activeState: this.service.activeState });
  }
}

/** The manager as workers reach it: a multiaddr for an IPv4/IPv6 address, else a DNS multiaddr. */
export function managerRpcAddr(farm: FarmConfig): string {
  const a = farm.manager.address;
  const proto = /^\d+\.\d+\.\d+\.\d+$/.test(a) ? "ip4" : a.includes(":") ? "ip6" : "dns";
  return `/${proto}/${a}/tcp/${farm.manager.rpcPort}`;
}
