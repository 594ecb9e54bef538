// The manager's config for a farm: the same file `sealfarm manager init` writes (the same renderer,
// manager-toml-text.ts, so the format has one owner), filled from the farm: listen on the RPC port for the workers,
// the farm's database, miners (taking deals when the farm's `deals` says so) and persist stores, the release's proof binary. Pure.

import type { FarmConfig } from "../config/load-farm.js";
import { defaultManagerToml, type ManagerToml } from "../config/manager-toml.js";
import { RELEASE_CURRENT } from "../plan/plan-host.js";
import { MANAGED_HEADER } from "./managed-header.js";
import { MANAGER_TLS_CERT, MANAGER_TLS_KEY } from "./manager-tls.js";
import { renderManagerToml as renderManagerTomlText } from "./manager-toml-text.js";

export interface ManagerTomlOptions {
  /** Where the manager listens; workers on other hosts connect to it. Default 0.0.0.0. */
  readonly listenHost?: string;
  readonly proofsBin?: string;
  /** Serve TLS on this port too, with tls.crt / tls.key in the home (see manager-tls.ts). */
  readonly tlsPort?: number;
}

/** The manager.toml object for a farm; everything the farm does not say keeps the manager's default. */
export function managerTomlForFarm(farm: FarmConfig, options: ManagerTomlOptions = {}): ManagerToml {
  const defaults = defaultManagerToml();
  return {
    ...defaults,
    listen: `${options.listenHost ?? "0.0.0.0"}:${farm.manager.rpcPort}`,
    db: { ...defaults.db, url: farm.manager.database.url },
    proofs: { bin: options.proofsBin ?? `${RELEASE_CURRENT}/bin/sealfarm-proofs` },
    tls:
      options.tlsPort === undefined
        ? defaults.tls
        : {
            listen: `${options.listenHost ?? "0.0.0.0"}:${options.tlsPort}`,
            cert_file: MANAGER_TLS_CERT,
            key_file: MANAGER_TLS_KEY,
          },
    miners: farm.miners.map((actor) => ({
      actor,
      seal_proof: `StackedDrg${farm.sectorSize}V1_1`,
      min_number: 1,
      max_number: 1_000_000,
      enable_deals: farm.deals,
    })),
    persist_stores: farm.persistStores.map((s) => ({
      name: s.name,
      path: s.path,
      read_only: s.readonly === true,
      weight: 1,
    })),
  };
}

/** manager.toml text for the farm's manager host, with the managed-by header. */
export function renderManagerToml(farm: FarmConfig, options: ManagerTomlOptions = {}): string {
  return `${MANAGED_HEADER}\n${renderManagerTomlText(managerTomlForFarm(farm, options))}`;
}
