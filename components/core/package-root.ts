// The directory that holds sealfarm's package.json: the checkout, or a release's root. The code runs either from
// its sources (agent/…/x.ts, under tsx in tests) or compiled (.build/agent/…/x.js, one level deeper), so files
// outside the code (package.json, schemas/, native/) are found from here, never by counting "..".
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest directory at or above `start` that has a package.json. */
export function findPackageRoot(start: string): string {
  for (let dir = start; ; ) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json in ${start} or any directory above it`);
    dir = up;
  }
}

let cached: string | undefined;

/** sealfarm's own root, found from this file. */
export function packageRoot(): string {
  cached ??= findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return cached;
}
