// A real manager (in-process, SQLite, fast devnet) and a real worker agent (a child process running
// `sealfarm worker run`, so tests can SIGKILL it) with the real sealfarm-proofs processors.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "node:test";
import { fileURLToPath } from "node:url";
import { stringify } from "smol-toml";
import { type RunningManager, startManager } from "../../../agent/manager/manager.js";
import {
  createVenusClient,
  type SectorID,
  type SectorStateView,
  type VenusClient,
} from "../../../agent/shared/rpc/index.js";
import { defaultProofsBin } from "../../../agent/worker/default-bin.js";
import { processorHasStage as probeStage } from "../../../agent/worker/processors/probe-stage.js";
import { callWorker } from "../../../agent/worker/rpc/worker-rpc.js";
import type { ThreadListEntry } from "../../../agent/worker/thread/thread-status.js";
import { freePort } from "../../support/free-port.js";
import { waitFor } from "../../support/wait.js";
import { testConfig } from "../manager/dialects.js";

export { waitFor };

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const sealfarmBin = join(repoRoot, "bin", "sealfarm.js");

/** Asks the real binary whether it serves a processor stage (ready line within 5 s). */
export function processorHasStage(stage: string): Promise<boolean> {
  return probeStage(defaultProofsBin(), stage);
}

export const sealStages = ["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2"] as const;

/** Fails the test file, naming the stages, when the built sealfarm-proofs does not serve them (a stale build). */
export async function requireStages(stages: readonly string[] = sealStages): Promise<void> {
  const have = await Promise.all(stages.map((s) => processorHasStage(s)));
  const missing = stages.filter((_, i) => !have[i]);
  if (missing.length > 0) {
    throw new Error(`sealfarm-proofs lacks processor stages ${missing.join(", ")}: run npm run build:native`);
  }
}

export interface Farm {
  dir: string;
  manager: RunningManager;
  /** Stops the manager (an outage); `startManagerAgain` brings it back on the same port and database. */
  stopManager(): Promise<void>;
  startManagerAgain(): Promise<void>;
  rpc: VenusClient;
  persistDir: string;
  threadDirs: string[];
  configFile: string;
  close(): Promise<void>;
}

export interface FarmOptions {
  threads?: number;
  managerToml?: Record<string, unknown>;
  sealing?: Record<string, unknown>;
  /** Extra top-level worker TOML (processors etc.). */
  workerToml?: Record<string, unknown>;
  wdpost?: boolean;
  /** The manager's devnet clock (every start of the manager gets the same one). */
  devnetClock?: () => number;
  /** Declare the persist store through `scan_persist_stores` (a sectorstore.json with this `Meta`) instead of
   * `[[attached]]`, so the store carries a meta map. */
  persistMeta?: Record<string, string>;
}

/** The worker's `[sealing]` in these tests: 2 KiB sectors, short intervals, retries enough to ride out an outage. */
export const testSealing = {
  allowed_sizes: ["2KiB"],
  max_retries: 3,
  seal_interval: "100ms",
  recover_interval: "200ms",
  rpc_polling_interval: "100ms",
  request_task_max_retries: 1000,
};

export async function startFarm(o: FarmOptions = {}): Promise<Farm> {
  const dir = mkdtempSync(join(tmpdir(), "sealfarm-worker-it-"));
  const managerHome = join(dir, "manager");
  // A fixed (but free) port, so the manager can come back at the same address after an outage.
  const port = await freePort();
  const managerConfig = testConfig(managerHome, `sqlite://${join(managerHome, "manager.db")}`, {
    listen: `127.0.0.1:${port}`,
    ...o.managerToml,
  });
  let manager = await startManager({ config: managerConfig, devnetClock: o.devnetClock });
  const persistDir = join(managerHome, "persist-1");
  const threadDirs = Array.from({ length: o.threads ?? 1 }, (_, i) => join(dir, `store${i}`));
  const threads: Array<Record<string, unknown>> = threadDirs.map((location) => ({ location }));
  if (o.wdpost) threads.push({ plan: "wdpost" });
  let store: Record<string, unknown> = { attached: [{ name: "persist-1", location: persistDir }] };
  if (o.persistMeta !== undefined) {
    mkdirSync(persistDir, { recursive: true });
    writeFileSync(join(persistDir, "sectorstore.json"), JSON.stringify({ Name: "persist-1", Meta: o.persistMeta }));
    store = {};
  }
  const toml = {
    worker: {
      name: "it-worker",
      rpc_server: { host: "127.0.0.1", port: 0 },
      ping_interval: "1s",
      ...(o.persistMeta !== undefined ? { scan_persist_stores: [persistDir] } : {}),
    },
    sector_manager: { rpc_client: { addr: manager.url } },
    sealing: { ...testSealing, ...o.sealing },
    sealing_thread: threads,
    ...store,
    ...o.workerToml,
  };
  const configFile = join(dir, "worker.toml");
  writeFileSync(configFile, stringify(toml));
  const rpc = createVenusClient({ url: manager.url });
  let down = false;
  return {
    dir,
    get manager() {
      return manager;
    },
    stopManager: async () => {
      down = true;
      await manager.close();
    },
    startManagerAgain: async () => {
      manager = await startManager({ config: managerConfig, devnetClock: o.devnetClock });
      down = false;
    },
    rpc,
    persistDir,
    threadDirs,
    configFile,
    close: async () => {
      rpc.close();
      if (!down) await manager.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the worker wrote to stderr so far. */
  log(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** Starts `sealfarm worker run --config FILE` and waits for its "RPC at URL" line. */
export async function startWorker(configFile: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [sealfarmBin, "worker", "run", "--config", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (process.env.SEALFARM_TEST_VERBOSE) process.stderr.write(d);
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 120 s:\n${stderr}`)), 120_000);
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /RPC at (http:\/\/\S+)/.exec(stdout);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    child,
    url,
    log: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
    kill9: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The state recorded in a sealing store, or undefined if it holds no sector. */
export function recordedState(store: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(store, "meta", "sector.json"), "utf8")) as { state: string }).state;
  } catch {
    return undefined;
  }
}

/** Waits until the manager's timeline of a sector records a report into `state` (history: it stays). */
export async function reported(rpc: VenusClient, sid: SectorID, state: string, what = `${state} reported`) {
  return waitFor(what, async () => {
    const timeline = (await rpc.callVenus("FindSector", [sid])).Timeline;
    return timeline.some((e) => e.Next === state) ? timeline : undefined;
  });
}

export async function sectors(rpc: VenusClient): Promise<SectorStateView[]> {
  return rpc.callVenus("ListSectors", [null]);
}

/** Waits until the manager lists sector `n` as Active (it stays Active). */
export function activeSector(farm: Farm, n: number): Promise<SectorStateView> {
  return waitFor(`sector ${n} Active`, async () =>
    (await sectors(farm.rpc)).find((s) => s.ID.Number === n && s.State === "Active"),
  );
}

/** The worker's threads as `worker list` reads them (VenusWorker.WorkerList). */
export async function workerThreads(w: WorkerProcess): Promise<ThreadListEntry[]> {
  return (await callWorker(w.url, "VenusWorker.WorkerList", [])) as ThreadListEntry[];
}

/**
 * For files that start a farm and a worker per test: what a test hands to `farm()`/`worker()` is stopped after it
 * (`const f = running.farm(await startFarm(...))`), so a failed test leaves nothing running for the next one.
 */
export function stoppedAfterEach(): { farm(f: Farm): Farm; worker(w: WorkerProcess): WorkerProcess } {
  let farm: Farm | undefined;
  let worker: WorkerProcess | undefined;
  afterEach(async () => {
    await worker?.stop();
    await farm?.close();
    worker = undefined;
    farm = undefined;
  });
  return {
    farm: (f) => {
      farm = f;
      return f;
    },
    worker: (w) => {
      worker = w;
      return w;
    },
  };
}
