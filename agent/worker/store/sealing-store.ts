// One sealing store: the directory a sealing thread owns (reference §2). `<location>/.holder`, `meta/sector.json`
// (the one sector's record, written atomically), `data/` with damocles' relative layout, optional `config.toml`
// (hot config). A restart reads `meta/sector.json` and resumes at the recorded state.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../shared/atomic-file.js";
import { crit } from "../failure.js";
import { type AnySectorRecord, sectorName } from "../planner/sector.js";

export interface SectorPaths {
  staged: string;
  preparedDir: string;
  treeD: string;
  cacheDir: string;
  sealed: string;
  pc2Marker: string;
  /** snapup: the upgraded replica (damocles `update/<sid>`) and its cache (`update-cache/<sid>`). */
  update: string;
  updateCache: string;
}

/** Paths of a sector relative to a `data/` root (also the persisted layout on an attached store). */
export function sectorPaths(dataDir: string, id: { Miner: number; Number: number }): SectorPaths {
  const sid = sectorName(id);
  return {
    staged: join(dataDir, "unsealed", sid),
    preparedDir: join(dataDir, "prepared", sid),
    treeD: join(dataDir, "prepared", sid, "sc-02-data-tree-d.dat"),
    cacheDir: join(dataDir, "cache", sid),
    sealed: join(dataDir, "sealed", sid),
    pc2Marker: join(dataDir, "cache", sid, ".pc2_running"),
    update: join(dataDir, "update", sid),
    updateCache: join(dataDir, "update-cache", sid),
  };
}

/** A replica and its cache dir: what persisting copies and what a store keeps (the sealed or the updated one). */
export interface ReplicaFiles {
  sealed: string;
  cacheDir: string;
}

/** The original replica (`sealed/`, `cache/`) or the SnapUp one (`update/`, `update-cache/`) of a sector's paths. */
export function replicaFiles(p: SectorPaths, which: "sealed" | "update"): ReplicaFiles {
  return which === "sealed"
    ? { sealed: p.sealed, cacheDir: p.cacheDir }
    : { sealed: p.update, cacheDir: p.updateCache };
}

export class SealingStore {
  readonly metaFile: string;
  readonly dataDir: string;
  readonly hotConfigFile: string;

  constructor(readonly location: string) {
    this.metaFile = join(location, "meta", "sector.json");
    this.dataDir = join(location, "data");
    this.hotConfigFile = join(location, "config.toml");
  }

  /** Creates the store if missing (damocles v0.9 does this automatically). Failures are critical. */
  init(): void {
    try {
      mkdirSync(join(this.location, "meta"), { recursive: true });
      mkdirSync(this.dataDir, { recursive: true });
      const holder = join(this.location, ".holder");
      if (!existsSync(holder)) writeFileSync(holder, "");
    } catch (e) {
      throw crit(e, `init sealing store ${this.location}`);
    }
  }

  load(): AnySectorRecord | undefined {
    if (!existsSync(this.metaFile)) return undefined;
    try {
      return JSON.parse(readFileSync(this.metaFile, "utf8")) as AnySectorRecord;
    } catch (e) {
      throw crit(e, `load ${this.metaFile}`);
    }
  }

  save(sector: AnySectorRecord): void {
    try {
      writeFileAtomic(this.metaFile, `${JSON.stringify(sector)}\n`);
    } catch (e) {
      throw crit(e, `save ${this.metaFile}`);
    }
  }

  paths(id: { Miner: number; Number: number }): SectorPaths {
    return sectorPaths(this.dataDir, id);
  }

  /** Prepares the data directories of a new sector. */
  prepare(id: { Miner: number; Number: number }): SectorPaths {
    const p = this.paths(id);
    try {
      for (const d of ["unsealed", "sealed", "cache", "prepared", "update", "update-cache"])
        mkdirSync(join(this.dataDir, d), { recursive: true });
      mkdirSync(p.preparedDir, { recursive: true });
      mkdirSync(p.cacheDir, { recursive: true });
    } catch (e) {
      throw crit(e, `prepare data dirs in ${this.dataDir}`);
    }
    return p;
  }

  /** Finalize (success or abort): wipe `data/` and delete the record, in that order, so a crash in between retries it. */
  finalize(): void {
    try {
      rmSync(this.dataDir, { recursive: true, force: true });
      mkdirSync(this.dataDir, { recursive: true });
      if (existsSync(this.metaFile)) unlinkSync(this.metaFile);
    } catch (e) {
      throw crit(e, `finalize ${this.location}`);
    }
  }

  /** The hot config file's mtime (ms), or undefined if there is none. */
  hotConfigMtime(): number | undefined {
    try {
      return statSync(this.hotConfigFile).mtimeMs;
    } catch {
      return undefined;
    }
  }
}
