// The farm: the stack config under one key (`sealfarm:farm`), validated with ajv and then across fields (unique
// names and addresses, classes that exist, host keys that decode). Secrets are not here: the SSH private key and
// the manager API token are separate secret config keys.
import schema from "../../../schemas/farm.schema.json" with { type: "json" };
import type { SectorSizeName } from "../proofs/registered-proofs.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { parseHostKey } from "./host-key.js";
import { compileSchema } from "./schema-validator.js";

export const FARM_CONFIG_KEY = "sealfarm:farm";
export const DEFAULT_SSH_USER = "root";
export const DEFAULT_SSH_PORT = 22;
/** damocles-manager's default RPC port; the worker TOML points at it. */
export const DEFAULT_MANAGER_RPC_PORT = 1789;

export type HostRole = "sealer" | "post";

export interface SshTarget {
  readonly user: string;
  readonly port: number;
  /** Pinned public key line, e.g. "ssh-ed25519 AAAAC3Nza... root@sealer-01". */
  readonly hostKey: string;
}

export interface FarmHost {
  readonly name: string;
  readonly address: string;
  readonly ssh: SshTarget;
  readonly class: string;
  readonly role: HostRole;
}

export interface PersistStore {
  readonly name: string;
  readonly path: string;
  readonly readonly?: boolean;
}

export interface FarmConfig {
  readonly sectorSize: SectorSizeName;
  readonly miners: readonly number[];
  /**
   * Whether the farm seals deals (`deals`, default false: CC sectors only). The one owner of the fact: it sets every
   * miner's `enable_deals` in manager.toml and every sealer's `[sealing] enable_deals`.
   */
  readonly deals: boolean;
  readonly manager: {
    readonly name: string;
    readonly address: string;
    readonly ssh: SshTarget;
    readonly class: string;
    readonly rpcPort: number;
    readonly database: { readonly url: string };
  };
  readonly persistStores: readonly PersistStore[];
  readonly hosts: readonly FarmHost[];
}

export interface LoadFarmOptions {
  /** Class names that exist (e.g. the keys of loadClassDirectory); when given, unknown names are errors. */
  readonly classNames?: Iterable<string>;
  /** The config key the object came from; error pointers start with it. */
  readonly configKey?: string;
}

const validator = compileSchema(schema);

interface RawSsh {
  user?: string;
  port?: number;
  hostKey: string;
}
interface RawFarm {
  sectorSize: SectorSizeName;
  miners: number[];
  deals?: boolean;
  ssh?: { user?: string; port?: number };
  manager: Omit<FarmConfig["manager"], "ssh" | "rpcPort"> & { ssh: RawSsh; rpcPort?: number };
  persistStores: PersistStore[];
  hosts: Array<Omit<FarmHost, "ssh"> & { ssh: RawSsh }>;
}

/**
 * Validates the farm object read from stack config (`config.requireObject("farm")`) and fills defaults.
 * `file` names the stack file in errors, e.g. "Pulumi.farm-a.yaml". Throws ConfigError with every problem.
 */
export function loadFarmConfig(obj: unknown, file: string, options: LoadFarmOptions = {}): FarmConfig {
  const key = options.configKey ?? FARM_CONFIG_KEY;
  const problems = validator.problems(obj, file, key);
  if (problems.length > 0) throw new ConfigError(problems);
  const raw = obj as RawFarm;
  const semantic = farmProblems(
    raw,
    file,
    key,
    options.classNames === undefined ? undefined : new Set(options.classNames),
  );
  if (semantic.length > 0) throw new ConfigError(semantic);
  const ssh = (s: RawSsh): SshTarget => ({
    user: s.user ?? raw.ssh?.user ?? DEFAULT_SSH_USER,
    port: s.port ?? raw.ssh?.port ?? DEFAULT_SSH_PORT,
    hostKey: s.hostKey,
  });
  return {
    sectorSize: raw.sectorSize,
    miners: [...raw.miners],
    deals: raw.deals ?? false,
    manager: {
      name: raw.manager.name,
      address: raw.manager.address,
      ssh: ssh(raw.manager.ssh),
      class: raw.manager.class,
      rpcPort: raw.manager.rpcPort ?? DEFAULT_MANAGER_RPC_PORT,
      database: { url: raw.manager.database.url },
    },
    persistStores: raw.persistStores.map((p) => ({ ...p })),
    hosts: raw.hosts.map((h) => ({ name: h.name, address: h.address, ssh: ssh(h.ssh), class: h.class, role: h.role })),
  };
}

function farmProblems(raw: RawFarm, file: string, key: string, classNames: Set<string> | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const machines = [
    { pointer: "/manager", m: raw.manager },
    ...raw.hosts.map((h, i) => ({ pointer: `/hosts/${i}`, m: h })),
  ];
  const names = new Map<string, string>();
  const addresses = new Map<string, string>();
  const known = classNames === undefined ? [] : [...classNames].sort();
  for (const { pointer, m } of machines) {
    const firstName = names.get(m.name);
    if (firstName !== undefined) {
      problems.push({
        file,
        pointer: `${key}${pointer}/name`,
        expected: `a host name not used by ${key}${firstName}`,
        got: JSON.stringify(m.name),
      });
    } else names.set(m.name, pointer);
    // Two hosts at one address and ssh port are one machine configured twice. The manager may share its machine
    // with one worker host (a single-box farm), so it is left out of this check.
    if (pointer !== "/manager") {
      const port = m.ssh.port ?? raw.ssh?.port ?? DEFAULT_SSH_PORT;
      const target = `${m.address.toLowerCase()}:${port}`;
      const firstAddress = addresses.get(target);
      if (firstAddress !== undefined) {
        problems.push({
          file,
          pointer: `${key}${pointer}/address`,
          expected: `an address (with its ssh port ${port}) not used by ${key}${firstAddress}`,
          got: JSON.stringify(m.address),
        });
      } else addresses.set(target, pointer);
    }
    if (classNames !== undefined && !classNames.has(m.class)) {
      problems.push({
        file,
        pointer: `${key}${pointer}/class`,
        expected:
          known.length === 0
            ? "a known machine class (none are defined)"
            : `one of ${known.map((n) => `"${n}"`).join(", ")}`,
        got: JSON.stringify(m.class),
      });
    }
    const parsed = parseHostKey(m.ssh.hostKey);
    if ("error" in parsed) {
      problems.push({
        file,
        pointer: `${key}${pointer}/ssh/hostKey`,
        expected: parsed.error,
        got: JSON.stringify(m.ssh.hostKey),
      });
    }
  }
  const storeNames = new Map<string, number>();
  const storePaths = new Map<string, number>();
  raw.persistStores.forEach((s, i) => {
    const n = storeNames.get(s.name);
    if (n !== undefined) {
      problems.push({
        file,
        pointer: `${key}/persistStores/${i}/name`,
        expected: `a store name not used by ${key}/persistStores/${n}`,
        got: JSON.stringify(s.name),
      });
    } else storeNames.set(s.name, i);
    const p = storePaths.get(s.path);
    if (p !== undefined) {
      problems.push({
        file,
        pointer: `${key}/persistStores/${i}/path`,
        expected: `a path not used by ${key}/persistStores/${p}`,
        got: JSON.stringify(s.path),
      });
    } else storePaths.set(s.path, i);
  });
  return problems;
}
