// Each systemd test host gets a cgroup subtree of its own in every mounted hierarchy, and its systemd starts in a
// cgroup namespace rooted there (the way systemd-nspawn gives a container its own tree).
//
// Why: without this every test host's systemd took the machine's cgroup root as its own, so the five hosts shared
// /sys/fs/cgroup/<hierarchy>/system.slice/sealfarm-worker.service. A host then never garbage-collected a removed
// unit (its cgroup still held another host's worker, so it was "not empty"), and `systemctl kill` could not signal
// the unit's cgroup (it held processes of other PID namespaces).
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shellQuote } from "../../components/core/shell/shell-quote.js";

interface Hierarchy {
  /** Where the hierarchy is mounted in this mount namespace. */
  readonly mountPoint: string;
  /** The path of the hierarchy's root this mount shows (mountinfo's 4th field, "/" normally). */
  readonly mountRoot: string;
  /** "cgroup2", or the v1 controllers and name= options the hierarchy carries. */
  readonly key: string;
}

function cgroupMounts(mountinfo: string): Hierarchy[] {
  const out: Hierarchy[] = [];
  for (const line of mountinfo.split("\n")) {
    const [pre, post] = line.split(" - ");
    if (pre === undefined || post === undefined) continue;
    const [fsType, , superOptions = ""] = post.split(" ");
    const fields = pre.split(" ");
    const mountRoot = fields[3];
    const mountPoint = fields[4];
    if (mountRoot === undefined || mountPoint === undefined) continue;
    if (fsType === "cgroup2") out.push({ mountPoint, mountRoot, key: "cgroup2" });
    else if (fsType === "cgroup") {
      const controllers = superOptions
        .split(",")
        .filter((o) => !["rw", "ro", "clone_children", "noprefix", "xattr", "nsdelegate"].includes(o))
        .filter((o) => !o.startsWith("release_agent="))
        .sort();
      out.push({ mountPoint, mountRoot, key: controllers.join(",") });
    }
  }
  return out;
}

/**
 * The directories of this process's cgroups, one per mounted hierarchy: /proc/self/cgroup names the path in each
 * hierarchy ("4:memory:/a/b", "0::/" for cgroup2), /proc/self/mountinfo where that hierarchy is mounted. A
 * hierarchy that is not mounted, or whose mount does not show the process's path, is left out.
 */
export function ownCgroupDirs(procSelfCgroup: string, mountinfo: string): string[] {
  const mounts = cgroupMounts(mountinfo);
  const dirs: string[] = [];
  for (const line of procSelfCgroup.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers = "", path = ""] = m;
    const key = id === "0" && controllers === "" ? "cgroup2" : controllers.split(",").sort().join(",");
    const mount = mounts.find((h) => h.key === key);
    if (!mount) continue;
    const root = mount.mountRoot === "/" ? "" : mount.mountRoot;
    if (root !== "" && path !== root && !path.startsWith(`${root}/`)) continue;
    dirs.push(join(mount.mountPoint, path.slice(root.length)).replace(/(.)\/+$/, "$1"));
  }
  return [...new Set(dirs)].sort();
}

/**
 * Creates `<own cgroup>/<name>` in every hierarchy and returns the new directories. A v1 cpuset group starts with
 * no CPUs and no memory nodes (and refuses members until it has them): it gets its parent's.
 */
export function createHostCgroups(name: string): string[] {
  const parents = ownCgroupDirs(
    readFileSync("/proc/self/cgroup", "utf8"),
    readFileSync("/proc/self/mountinfo", "utf8"),
  );
  const made: string[] = [];
  for (const parent of parents) {
    const dir = join(parent, name);
    mkdirSync(dir, { recursive: true });
    made.push(dir);
    for (const f of ["cpuset.cpus", "cpuset.mems"]) {
      let mine: string;
      try {
        mine = readFileSync(join(dir, f), "utf8").trim();
      } catch {
        continue;
      }
      if (mine === "") writeFileSync(join(dir, f), readFileSync(join(parent, f), "utf8").trim());
    }
  }
  return made;
}

/** Shell lines that move the shell itself into `dirs` (so that what it then execs starts there). */
export function joinCgroupsScript(dirs: readonly string[]): string[] {
  return dirs.map((d) => `echo $$ > ${shellQuote(join(d, "cgroup.procs"))}`);
}

/**
 * Removes a cgroup directory and everything its systemd made below it, deepest first. A cgroup whose last
 * processes are still exiting refuses with EBUSY for a moment: each directory is retried until `deadlineMs`.
 * Returns the directories it could not remove.
 */
export function removeCgroupTree(dir: string, deadlineMs = 10_000): string[] {
  const left: string[] = [];
  const until = Date.now() + deadlineMs;
  // Synchronous, so that the process "exit" handler can clean up too.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const remove = (d: string): void => {
    // A child cgroup is a directory; the files beside it are the kernel's and go with their directory.
    let children: string[] = [];
    try {
      children = readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join(d, e.name));
    } catch {
      return; // gone already: its systemd removed it
    }
    for (const child of children) remove(child);
    for (;;) {
      try {
        rmdirSync(d);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return;
        if (code !== "EBUSY" || Date.now() > until) {
          left.push(d);
          return;
        }
        Atomics.wait(pause, 0, 0, 50);
      }
    }
  };
  remove(dir);
  return left;
}
