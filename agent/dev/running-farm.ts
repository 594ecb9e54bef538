// How CLI commands find a `sealfarm dev` farm without flags: while dev runs, `<root>/running.json` says where its
// manager and worker listen (their ports are 1789/17890 only when those were free). `sealfarm sectors list`,
// `workers list`, `worker list` … run from the directory dev was started in read ./.sealfarm/dev/running.json when
// no --url/--home (or their environment variables) is given. A file left by a killed run names a dead pid and is
// ignored.
import { existsSync, mkdirSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { readFileIfExists, writeFileAtomic } from "../shared/atomic-file.js";

/** Where `sealfarm dev` keeps its farm unless --dir says otherwise, relative to the directory it runs in. */
export const DEV_DIR = join(".sealfarm", "dev");
export const RUNNING_FILE = "running.json";

export interface RunningDevFarm {
  pid: number;
  managerUrl: string;
  managerHome: string;
  workerUrl: string;
}

export function writeRunningFarm(root: string, farm: RunningDevFarm): void {
  mkdirSync(root, { recursive: true });
  writeFileAtomic(join(root, RUNNING_FILE), `${JSON.stringify(farm, null, 2)}\n`);
}

/** Removes the file if this process wrote it (a second dev run in the same directory may have replaced it). */
export function removeRunningFarm(root: string, pid = process.pid): void {
  const file = join(root, RUNNING_FILE);
  const farm = parseRunningFarm(readFileIfExists(file));
  if (farm?.pid === pid && existsSync(file)) unlinkSync(file);
}

export function parseRunningFarm(text: string | undefined): RunningDevFarm | undefined {
  if (text === undefined) return undefined;
  try {
    const d = JSON.parse(text) as Partial<RunningDevFarm>;
    if (
      Number.isInteger(d.pid) &&
      typeof d.managerUrl === "string" &&
      typeof d.managerHome === "string" &&
      typeof d.workerUrl === "string"
    )
      return d as RunningDevFarm;
  } catch {
    // A torn or foreign file is no farm: callers fall back to their defaults.
  }
  return undefined;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The farm a live `sealfarm dev` runs in `root`, if any. */
export function runningFarmIn(root: string, alive = pidAlive): RunningDevFarm | undefined {
  const farm = parseRunningFarm(readFileIfExists(join(root, RUNNING_FILE)));
  return farm !== undefined && alive(farm.pid) ? farm : undefined;
}

/** The dev farm running from `cwd` (./.sealfarm/dev), if any. */
export function findRunningDevFarm(cwd = process.cwd(), alive = pidAlive): RunningDevFarm | undefined {
  return runningFarmIn(join(resolve(cwd), DEV_DIR), alive);
}
