// Builds the release archive a host installs: the agent (JavaScript compiled by `npm run build`), the `sealfarm`
// launcher and the `sealfarm-proofs` binary, plus a MANIFEST whose sha256 is the release's name. The archive is
// written once per content hash and reused; tar entries are sorted with fixed owners and times so the bytes are
// stable too.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { MANIFEST_NAME, type ReleaseFile, releaseArchiveName, renderReleaseManifest } from "./release-manifest.js";

export interface ReleaseSource {
  /** The file on this machine. */
  readonly from: string;
  /** Its path inside the release. */
  readonly path: string;
}

export interface BuiltRelease {
  readonly hash: string;
  readonly archivePath: string;
  readonly archiveSha256: string;
  readonly files: readonly ReleaseFile[];
}

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function walk(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, keep));
    else if (entry.isFile() && keep(full)) out.push(full);
  }
  return out;
}

export const PROOFS_BINARY = "native/target/release/sealfarm-proofs";
/** What `npm run build` writes first; a release is made of the compiled tree, never of TypeScript sources. */
export const COMPILED_ENTRY = ".build/agent/cli/main.js";

/** package-lock.json's `packages` map: "node_modules/a" (or nested "node_modules/a/node_modules/b") → entry. */
export type LockPackages = Readonly<
  Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>
>;

/**
 * The package directories that `roots` need at run time, following the lock file the way node resolves a
 * dependency (the nearest node_modules up the tree). Optional dependencies that are not installed (other platforms'
 * binaries) are skipped; a missing required one is an error. Sorted. Pure: `isInstalled` is the only question asked.
 */
export function moduleClosure(
  lock: LockPackages,
  roots: readonly string[],
  isInstalled: (pkgDir: string) => boolean = () => true,
): string[] {
  const found = new Set<string>();
  const resolveFrom = (from: string, dep: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = `${base === "" ? "" : `${base}/`}node_modules/${dep}`;
      if (lock[candidate] && isInstalled(candidate)) return candidate;
      if (base === "") return undefined;
      const cut = base.lastIndexOf("/node_modules/");
      base = cut < 0 ? "" : base.slice(0, cut);
    }
  };
  const visit = (from: string, dep: string, optional: boolean) => {
    const at = resolveFrom(from, dep);
    if (!at) {
      if (optional) return;
      throw new Error(`package-lock.json: ${dep} (needed by ${from || "the release"}) is not installed`);
    }
    if (found.has(at)) return;
    found.add(at);
    const entry = lock[at] ?? {};
    for (const d of Object.keys(entry.dependencies ?? {})) visit(at, d, false);
    for (const d of Object.keys(entry.optionalDependencies ?? {})) visit(at, d, true);
  };
  for (const r of roots) visit("", r, false);
  return [...found].sort();
}

/** Package names a source file imports or requires (bare specifiers; "node:" built-ins excluded). Pure. */
export function bareImports(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g,
  )) {
    const spec = m[1] as string;
    if (spec.startsWith("node:")) continue;
    const parts = spec.split("/");
    names.add(spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string));
  }
  return [...names].sort();
}

/** Files of an installed package that a running agent never reads: types, maps, docs, native build leftovers. */
function isRuntimeFile(pkg: string, rel: string): boolean {
  if (/\.(d\.ts|d\.mts|d\.cts|map|md|markdown)$/i.test(rel)) return false;
  if (pkg === "better-sqlite3")
    return rel === "package.json" || rel.startsWith("lib/") || rel === "build/Release/better_sqlite3.node";
  return true;
}

/**
 * What a host runs: the compiled agent and the pure core it uses (.build/: components/core: config, plan, render;
 * tools, with source maps and the precompiled schema validators; tsconfig.build.json says what is compiled), the
 * launcher as bin/sealfarm, the schemas, the package files, the proofs binary as bin/sealfarm-proofs, and the
 * node_modules those sources import at run time (the closure from package-lock.json), so a host needs only node.
 */
export function agentReleaseSources(repoRoot: string): ReleaseSource[] {
  const binary = join(repoRoot, PROOFS_BINARY);
  if (!existsSync(binary)) throw new Error(`${PROOFS_BINARY} not found: run \`npm run build:native\` first`);
  if (!existsSync(join(repoRoot, COMPILED_ENTRY)))
    throw new Error(`${COMPILED_ENTRY} not found: run \`npm run build\` first`);
  const rel = (p: string) => relative(repoRoot, p).split(sep).join("/");
  const sources: ReleaseSource[] = [];
  const code = (p: string) => !p.endsWith(".tsbuildinfo");
  for (const dir of [".build", "bin", "schemas"]) {
    const abs = join(repoRoot, dir);
    if (!existsSync(abs)) continue;
    for (const f of walk(abs, code)) sources.push({ from: f, path: rel(f) });
  }
  for (const f of ["package.json", "package-lock.json"]) {
    if (existsSync(join(repoRoot, f))) sources.push({ from: join(repoRoot, f), path: f });
  }
  // The unit runs /opt/sealfarm/current/bin/sealfarm: the same launcher, without the extension.
  sources.push({ from: join(repoRoot, "bin", "sealfarm.js"), path: "bin/sealfarm" });
  sources.push({ from: binary, path: "bin/sealfarm-proofs" });

  const roots = new Set<string>();
  for (const s of sources) {
    if (/\.(js|mjs|cjs)$/.test(s.from) || s.path === "bin/sealfarm")
      for (const name of bareImports(readFileSync(s.from, "utf8"))) roots.add(name);
  }
  const lockFile = join(repoRoot, "package-lock.json");
  const lock = (JSON.parse(readFileSync(lockFile, "utf8")) as { packages: LockPackages }).packages;
  const installed = (pkgDir: string) => existsSync(join(repoRoot, ...pkgDir.split("/"), "package.json"));
  for (const pkgDir of moduleClosure(lock, [...roots].sort(), installed)) {
    const abs = join(repoRoot, ...pkgDir.split("/"));
    const pkg = pkgDir.slice(pkgDir.lastIndexOf("node_modules/") + "node_modules/".length);
    for (const f of walk(abs, (p) => isRuntimeFile(pkg, relative(abs, p).split(sep).join("/")))) {
      // Nested node_modules are their own closure entries; walk() would otherwise take them twice.
      if (relative(abs, f).split(sep).includes("node_modules")) continue;
      sources.push({ from: f, path: rel(f) });
    }
  }
  return sources;
}

/** Hashes the sources; files keep only the executable bit (0755 or 0644), as a package would. */
export function describeRelease(sources: readonly ReleaseSource[]): {
  hash: string;
  files: ReleaseFile[];
  manifest: string;
} {
  const files = sources.map((s) => ({
    path: s.path,
    mode: (statSync(s.from).mode & 0o111) !== 0 ? 0o755 : 0o644,
    sha256: sha256File(s.from),
  }));
  const manifest = renderReleaseManifest(files);
  return { hash: createHash("sha256").update(manifest).digest("hex"), files, manifest };
}

export function buildRelease(sources: readonly ReleaseSource[], outDir: string): BuiltRelease {
  const { hash, files, manifest } = describeRelease(sources);
  mkdirSync(outDir, { recursive: true });
  const archivePath = join(outDir, releaseArchiveName(hash));
  if (existsSync(archivePath)) return { hash, archivePath, archiveSha256: sha256File(archivePath), files };

  const stage = mkdtempSync(join(outDir, ".stage-"));
  try {
    // The stage becomes the release directory's own entry ("./") in the archive: readable by the service user.
    chmodSync(stage, 0o755);
    const byPath = new Map(sources.map((s) => [s.path, s.from]));
    for (const f of files) {
      const to = join(stage, ...f.path.split("/"));
      mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
      copyFileSync(byPath.get(f.path) as string, to);
      chmodSync(to, f.mode);
    }
    writeFileSync(join(stage, MANIFEST_NAME), manifest, { mode: 0o644 });
    const tar = spawnSync(
      "tar",
      [
        "--sort=name",
        "--mtime=@0",
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "--format=gnu",
        "-cf",
        "-",
        "-C",
        stage,
        ".",
      ],
      { maxBuffer: 1 << 30 },
    );
    if (tar.error || tar.status !== 0)
      throw new Error(`building release ${hash}: tar failed: ${tar.error?.message ?? tar.stderr.toString().trim()}`);
    const tmp = `${archivePath}.tmp-${process.pid}`;
    writeFileSync(tmp, gzipSync(tar.stdout, { level: 6 }));
    renameSync(tmp, archivePath);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return { hash, archivePath, archiveSha256: sha256File(archivePath), files };
}
