// The two sealfarm services as unit objects, hardened: their own user, no privilege gain, a read-only system with
// write access only to the stores, restart on failure, raised limits. The worker keeps what its processors need
// (GPU device nodes, cgroup delegation for cpuset pinning, locked memory for hugepages and CUDA pinned buffers).
import { execLine, renderSystemdUnit, type SystemdUnitFile, type UnitSection } from "./systemd-unit.js";

export const SERVICE_USER = "sealfarm";
export const RELEASE_BIN = "/opt/sealfarm/current/bin/sealfarm";
export const RELEASE_PROOFS_BIN = "/opt/sealfarm/current/bin/sealfarm-proofs";
export const WORKER_CONFIG_PATH = "/etc/sealfarm/worker.toml";
export const MANAGER_HOME = "/var/lib/sealfarm/manager";

export interface ServiceUnitOptions {
  /** Program and arguments; the program must be an absolute path. */
  readonly execStart: readonly string[];
  /** Directories the service writes: sealing stores, persist stores, its home. Sorted and de-duplicated here. */
  readonly readWritePaths: readonly string[];
  readonly user?: string;
  /** Extra environment, rendered as Environment= lines (sorted). */
  readonly environment?: Readonly<Record<string, string>>;
}

function common(opts: ServiceUnitOptions) {
  const user = opts.user ?? SERVICE_USER;
  const env = opts.environment ?? {};
  return {
    User: user,
    Group: user,
    Type: "simple",
    ExecStart: execLine(opts.execStart),
    Restart: "on-failure",
    RestartSec: "10s",
    TimeoutStopSec: "90s",
    KillMode: "mixed",
    NoNewPrivileges: true,
    ProtectSystem: "strict",
    ProtectHome: true,
    PrivateTmp: true,
    ProtectKernelTunables: true,
    ProtectKernelModules: true,
    ProtectKernelLogs: true,
    ProtectClock: true,
    ProtectHostname: true,
    RestrictSUIDSGID: true,
    RestrictRealtime: true,
    RestrictNamespaces: true,
    LockPersonality: true,
    SystemCallArchitectures: "native",
    UMask: "0027",
    LimitNOFILE: 1_048_576,
    ReadWritePaths: [...new Set(opts.readWritePaths)].sort(),
    Environment: Object.keys(env)
      .sort()
      .map((k) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
          throw new Error(`Environment: expected a variable name, got ${JSON.stringify(k)}`);
        return `"${k}=${(env[k] as string).replaceAll("%", "%%").replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
      }),
  };
}

/**
 * The [Unit] section both agents share: they talk over the network, so they start once it is online, and a service
 * that keeps failing stops being restarted after 5 starts in 10 minutes instead of looping forever.
 */
function networkServiceUnit(description: string): UnitSection {
  return {
    Description: description,
    After: "network-online.target",
    Wants: "network-online.target",
    StartLimitIntervalSec: 600,
    StartLimitBurst: 5,
  };
}

export function workerServiceUnit(opts: ServiceUnitOptions): SystemdUnitFile {
  return {
    Unit: networkServiceUnit("sealfarm worker agent (sealing threads and proof processors)"),
    Service: {
      ...common(opts),
      // Processors are pinned with cgroup cpusets: the worker needs its own cgroup subtree to create them in.
      Delegate: true,
      // Hugepages and CUDA pinned host memory are locked pages.
      LimitMEMLOCK: "infinity",
      TasksMax: "infinity",
    },
    Install: { WantedBy: "multi-user.target" },
  };
}

export function managerServiceUnit(opts: ServiceUnitOptions): SystemdUnitFile {
  return {
    Unit: networkServiceUnit("sealfarm sector manager (JSON-RPC /rpc/v0, chain, persist stores)"),
    Service: {
      ...common(opts),
      PrivateDevices: true,
      ProtectControlGroups: true,
      // No MemoryDenyWriteExecute: node's JIT needs writable+executable pages.
    },
    Install: { WantedBy: "multi-user.target" },
  };
}

export interface WorkerUnitOptions {
  /** Sealing store directories (the planner's thread locations) and persist store paths. */
  readonly storePaths: readonly string[];
  readonly bin?: string;
  readonly configPath?: string;
  readonly user?: string;
  readonly environment?: Readonly<Record<string, string>>;
}

/** The worker unit text: `sealfarm worker run --config /etc/sealfarm/worker.toml`, writing only its stores. */
export function renderWorkerUnit(opts: WorkerUnitOptions): string {
  return renderSystemdUnit(
    workerServiceUnit({
      execStart: [opts.bin ?? RELEASE_BIN, "worker", "run", "--config", opts.configPath ?? WORKER_CONFIG_PATH],
      readWritePaths: opts.storePaths,
      user: opts.user,
      // The stages the worker runs in-process-spawned rather than through a [[processors.*]] entry (c1) take the
      // proof binary from here: the release keeps it at bin/sealfarm-proofs, not at the checkout's native/target.
      environment: { SEALFARM_PROOFS_BIN: RELEASE_PROOFS_BIN, ...opts.environment },
    }),
  );
}

export interface ManagerUnitOptions {
  readonly home?: string;
  readonly persistStorePaths: readonly string[];
  readonly bin?: string;
  readonly user?: string;
  readonly environment?: Readonly<Record<string, string>>;
}

/** The manager unit text: `sealfarm manager run --home /var/lib/sealfarm/manager`. */
export function renderManagerUnit(opts: ManagerUnitOptions): string {
  const home = opts.home ?? MANAGER_HOME;
  return renderSystemdUnit(
    managerServiceUnit({
      execStart: [opts.bin ?? RELEASE_BIN, "manager", "run", "--home", home],
      readWritePaths: [home, ...opts.persistStorePaths],
      user: opts.user,
      environment: opts.environment,
    }),
  );
}
