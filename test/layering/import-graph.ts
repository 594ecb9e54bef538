// Reads the tree's import graph for layer-rules.ts: every TypeScript/JavaScript file under agent/ and components/,
// plus index.ts, with its static imports, `export … from` and `import()` of a literal path. TypeScript's own
// pre-processor finds them, so a word "from" in a comment or a string is not taken for an import. Relative paths
// are resolved to the file they name (the .ts source of a "./x.js"); anything else is a package.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import ts from "typescript";
import type { Import, ImportGraph } from "./layer-rules.js";

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** The module specifiers a source imports, in order of appearance. */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * The import a specifier of `from` (a path from the root) names: a relative one resolved against its folder, with
 * ".js" standing for the ".ts" source TypeScript compiles to it when that exists (`exists` is asked with paths
 * from the root).
 */
export function resolveImport(from: string, specifier: string, exists: (path: string) => boolean): Import {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return { kind: "package", name: specifier };
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  const sources = [
    path.replace(/\.js$/, ".ts"),
    path.replace(/\.mjs$/, ".mts"),
    path.replace(/\.cjs$/, ".cts"),
    path,
    `${path}.ts`,
    `${path}/index.ts`,
  ];
  return { kind: "file", path: sources.find(exists) ?? path };
}

function walk(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") walk(root, rel, out);
    } else if (CODE.test(entry.name) && !entry.name.endsWith(".d.ts")) {
      out.push(rel);
    }
  }
}

/** The import graph of the code under `root`: agent/, components/ and index.ts. */
export function readImportGraph(root: string): ImportGraph {
  const files: string[] = [];
  for (const dir of ["agent", "components"]) if (existsSync(join(root, dir))) walk(root, dir, files);
  if (existsSync(join(root, "index.ts"))) files.push("index.ts");
  const exists = (path: string) => existsSync(join(root, ...path.split("/")));
  const graph = new Map<string, Import[]>();
  for (const file of files.sort()) {
    const source = readFileSync(join(root, ...file.split("/")), "utf8");
    graph.set(
      file,
      importSpecifiers(source).map((s) => resolveImport(file, s, exists)),
    );
  }
  return graph;
}

/** The repository's root, from this file (test/layering/). */
export const repoRoot = join(dirname(new URL(import.meta.url).pathname), "..", "..");
