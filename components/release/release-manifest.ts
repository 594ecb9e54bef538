// A release is content-addressed: its name is the sha256 of its manifest, one line per file with the file's mode,
// sha256 and path, sorted by path. The same files give the same name on every machine, whatever tar or gzip did,
// and a host can check an unpacked release against the manifest with `sha256sum -c`.
// Pure: plain values in, plain values out.

export interface ReleaseFile {
  /** Path inside the release, relative, with "/" separators (for example "bin/sealfarm-proofs"). */
  readonly path: string;
  /** Permission bits, for example 0o755. */
  readonly mode: number;
  readonly sha256: string;
}

export const MANIFEST_NAME = "MANIFEST";

/** Paths a manifest line and a shell can carry without quoting, and that stay inside the release directory. */
const SAFE_PATH = /^[A-Za-z0-9._+@-]+(\/[A-Za-z0-9._+@-]+)*$/;

export function checkReleasePath(path: string): string | undefined {
  if (!SAFE_PATH.test(path))
    return `release path ${JSON.stringify(path)}: expected letters, digits, ".", "_", "+", "@", "-" and "/" separators`;
  if (path.split("/").some((part) => part === "." || part === ".."))
    return `release path ${JSON.stringify(path)}: "." and ".." are not allowed`;
  if (path === MANIFEST_NAME) return `release path ${JSON.stringify(path)}: reserved for the manifest`;
  return undefined;
}

/** The manifest text: `<mode octal> <sha256> <path>` per line, sorted by path (byte order), newline-terminated. */
export function renderReleaseManifest(files: readonly ReleaseFile[]): string {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const bad = checkReleasePath(f.path);
    if (bad) problems.push(bad);
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) problems.push(`release path ${f.path}: sha256 must be 64 hex digits`);
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) problems.push(`release path ${f.path}: bad mode`);
    if (seen.has(f.path)) problems.push(`release path ${f.path}: listed twice`);
    seen.add(f.path);
  }
  if (files.length === 0) problems.push("a release needs at least one file");
  if (problems.length > 0) throw new Error(`invalid release:\n  ${problems.join("\n  ")}`);
  return [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.mode.toString(8).padStart(4, "0")} ${f.sha256} ${f.path}\n`)
    .join("");
}

/** Where a release lives on a host. `current` is a symlink switched atomically (rename over it). */
export function releaseLayout(root: string, hash: string): { releases: string; dir: string; current: string } {
  const base = root.replace(/\/+$/, "") || "/";
  return { releases: `${base}/releases`, dir: `${base}/releases/${hash}`, current: `${base}/current` };
}

/** The archive's file name: the content hash, so a built archive is reused as long as nothing changed. */
export function releaseArchiveName(hash: string): string {
  return `sealfarm-release-${hash}.tar.gz`;
}
