// Builds the release archive a host installs: the agent (TypeScript sources run by tsx), the `sealfarm` launcher and
// the `sealfarm-proofs` binary, plus a MANIFEST whose sha256 is the release's name. The archive is written once per
// content hash and reused; tar entries are sorted with fixed owners and times so the bytes are stable too.
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

/** What a host runs: the agent without its tests, the launcher, the schemas, the package files and the binary. */
export function agentReleaseSources(repoRoot: string): ReleaseSource[] {
  const binary = join(repoRoot, PROOFS_BINARY);
  if (!existsSync(binary)) throw new Error(`${PROOFS_BINARY} not found: run \`npm run build:native\` first`);
  const rel = (p: string) => relative(repoRoot, p).split(sep).join("/");
  const sources: ReleaseSource[] = [];
  for (const dir of ["agent", "bin", "schemas"]) {
    const abs = join(repoRoot, dir);
    if (!existsSync(abs)) continue;
    for (const f of walk(abs, (p) => !p.endsWith(".test.ts"))) sources.push({ from: f, path: rel(f) });
  }
  for (const f of ["package.json", "package-lock.json", "tsconfig.json"]) {
    if (existsSync(join(repoRoot, f))) sources.push({ from: join(repoRoot, f), path: f });
  }
  sources.push({ from: binary, path: "bin/sealfarm-proofs" });
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
    const byPath = new Map(sources.map((s) => [s.path, s.from]));
    for (const f of files) {
      const to = join(stage, ...f.path.split("/"));
      mkdirSync(dirname(to), { recursive: true });
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
