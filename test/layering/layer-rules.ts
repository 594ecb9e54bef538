// The layering as data, and the pure check of an import graph against it. The README's Architecture section says
// the same in words; layering.test.ts runs this over the tree, layer-rules.test.ts plants bad imports in small
// graphs to show each rule fails.
//
//   components/core/   the pure domain (config, plan, render): imports only itself, no Pulumi/SSH/database
//   components/, index.ts   the provisioner: itself and the core, never agent/
//   agent/shared/      what both the manager and the worker use: itself and the core
//   agent/manager/     the sector manager: itself, shared, core
//   agent/worker/      the worker agent: itself, shared, core
//   agent/dev/         a whole farm in one process (a manager and workers): manager, worker, shared, core
//   agent/cli/         the `sealfarm` command: everything under agent/ and the core
//
// Production files only: tests (*.test.ts, *.bench.ts, test/) may import across layers to check one side against
// the other (the provisioner's manager.toml parsed by the manager's loader, say). Type-only imports count: a type
// ties the layers as much as a value does.

export type Layer = "core" | "provisioner" | "shared" | "manager" | "worker" | "dev" | "cli";

/** One import of a file: another file of the project (its path from the root) or an npm/node package specifier. */
export type Import =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "package"; readonly name: string };

/** Every file checked, with what it imports. */
export type ImportGraph = ReadonlyMap<string, readonly Import[]>;

/** Which layers each layer may import (besides packages and data files). */
export const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ["core"],
  provisioner: ["provisioner", "core"],
  shared: ["shared", "core"],
  manager: ["manager", "shared", "core"],
  worker: ["worker", "shared", "core"],
  dev: ["dev", "manager", "worker", "shared", "core"],
  cli: ["cli", "dev", "manager", "worker", "shared", "core"],
};

/** Packages a layer must not import: the core stays free of provisioning, SSH and databases; a host never runs Pulumi. */
const FORBIDDEN_PACKAGES: Readonly<Partial<Record<Layer, readonly string[]>>> = {
  core: ["@pulumi/*", "ssh2", "kysely", "pg", "better-sqlite3"],
  shared: ["@pulumi/*"],
  manager: ["@pulumi/*"],
  worker: ["@pulumi/*"],
  dev: ["@pulumi/*"],
  cli: ["@pulumi/*"],
};

/** The layer a project file belongs to, or undefined for a file outside the layered code (test/, bin/, schemas/). */
export function layerOf(path: string): Layer | undefined {
  if (path.startsWith("components/core/")) return "core";
  if (path.startsWith("components/") || path === "index.ts") return "provisioner";
  for (const layer of ["shared", "manager", "worker", "dev", "cli"] as const) {
    if (path.startsWith(`agent/${layer}/`)) return layer;
  }
  return undefined;
}

/** Tests and benchmarks: checked for nothing here (they may reach across layers on purpose). */
export function isProductionFile(path: string): boolean {
  return !/\.(test|bench)\.[cm]?[jt]s$/.test(path) && !path.startsWith("test/");
}

/** Code, as opposed to data a module may import (a JSON schema). */
function isCode(path: string): boolean {
  return /\.[cm]?[jt]s$/.test(path);
}

/** The package a specifier names: "@scope/name" or "name" ("node:fs" stays whole). */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

function matchesPackage(pattern: string, pkg: string): boolean {
  return pattern.endsWith("/*") ? pkg.startsWith(pattern.slice(0, -1)) : pkg === pattern;
}

/** Every import of a production file that breaks the allowed directions, one message each, sorted. */
export function directionProblems(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    if (!isProductionFile(file)) continue;
    const from = layerOf(file);
    if (from === undefined) continue;
    for (const imp of imports) {
      if (imp.kind === "package") {
        const pkg = packageOf(imp.name);
        if ((FORBIDDEN_PACKAGES[from] ?? []).some((p) => matchesPackage(p, pkg)))
          problems.push(`${file} (${from}) imports the package ${imp.name}, which ${from} must not import`);
        continue;
      }
      if (!isCode(imp.path)) continue;
      const to = layerOf(imp.path);
      if (to === undefined) {
        problems.push(`${file} (${from}) imports ${imp.path}, which is outside the layered code`);
      } else if (!isProductionFile(imp.path)) {
        problems.push(`${file} (${from}) imports ${imp.path}, a test file`);
      } else if (!MAY_IMPORT[from].includes(to)) {
        problems.push(
          `${file} (${from}) imports ${imp.path} (${to}); ${from} may import only ${MAY_IMPORT[from].join(", ")}`,
        );
      }
    }
  }
  return problems.sort();
}

/**
 * The import cycles among production files: one loop per strongly connected set of files (Tarjan), given as the
 * files in import order with the first repeated at the end ("a.ts -> b.ts -> a.ts").
 */
export function importCycles(graph: ImportGraph): string[][] {
  const edges = new Map<string, string[]>();
  for (const [file, imports] of graph) {
    if (!isProductionFile(file)) continue;
    const to = imports.flatMap((i) =>
      i.kind === "file" && isProductionFile(i.path) && graph.has(i.path) ? [i.path] : [],
    );
    edges.set(file, [...new Set(to)].sort());
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  // Iterative Tarjan: the tree is deep enough that recursion is not worth the risk.
  for (const start of [...edges.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, index.size);
    low.set(start, index.get(start) as number);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: string; next: number };
      const out = edges.get(top.node) as string[];
      if (top.next < out.length) {
        const w = out[top.next++] as string;
        if (!index.has(w)) {
          index.set(w, index.size);
          low.set(w, index.get(w) as number);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) === index.get(top.node)) {
        const members: string[] = [];
        for (;;) {
          const m = stack.pop() as string;
          onStack.delete(m);
          members.push(m);
          if (m === top.node) break;
        }
        const selfLoop = members.length === 1 && (edges.get(top.node) as string[]).includes(top.node);
        if (members.length > 1 || selfLoop) components.push(members);
      }
    }
  }
  const loops = components.map((members) => loopThrough(new Set(members), edges));
  return loops.sort((a, b) => a.join(" ").localeCompare(b.join(" ")));
}

/** One loop through a strongly connected set, from its first file by name (breadth-first, so the shortest). */
function loopThrough(members: ReadonlySet<string>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const start = [...members].sort()[0] as string;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const w of edges.get(node) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at) as string) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, node);
        queue.push(w);
      }
    }
  }
  throw new Error(`no loop through ${start}: not a strongly connected set`);
}

/** Everything wrong with the graph: direction problems, then each cycle as "import cycle: a -> b -> a". */
export function layeringProblems(graph: ImportGraph): string[] {
  return [
    ...directionProblems(graph),
    ...importCycles(graph).map((loop) => `import cycle among production files: ${loop.join(" -> ")}`),
  ];
}
