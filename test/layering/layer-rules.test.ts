import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importSpecifiers, resolveImport } from "./import-graph.js";
import {
  directionProblems,
  type Import,
  type ImportGraph,
  importCycles,
  layeringProblems,
  layerOf,
} from "./layer-rules.js";

const file = (path: string): Import => ({ kind: "file", path });
const pkg = (name: string): Import => ({ kind: "package", name });
const graph = (entries: Record<string, Import[]>): ImportGraph => new Map(Object.entries(entries));

/** A small tree that keeps every rule; each test plants one bad import in it. */
const good = {
  "index.ts": [file("components/farm.ts"), pkg("@pulumi/pulumi")],
  "components/farm.ts": [file("components/core/config/load-farm.ts"), pkg("ssh2")],
  "components/core/config/load-farm.ts": [file("schemas/farm.schema.json"), pkg("node:fs"), pkg("yaml")],
  "agent/shared/atomic-file.ts": [file("components/core/config/load-farm.ts")],
  "agent/manager/manager.ts": [file("agent/shared/atomic-file.ts"), pkg("kysely")],
  "agent/worker/worker-agent.ts": [file("agent/shared/atomic-file.ts")],
  "agent/dev/run-dev.ts": [file("agent/manager/manager.ts"), file("agent/worker/worker-agent.ts")],
  "agent/cli/main.ts": [file("agent/dev/run-dev.ts"), file("agent/manager/manager.ts")],
  "agent/worker/worker-agent.test.ts": [file("agent/cli/main.ts"), file("test/support/wait.ts")],
};

describe("layer rules", () => {
  it("a tree that keeps the directions has no problems", () => {
    assert.deepEqual(layeringProblems(graph(good)), []);
  });

  it("names each file's layer", () => {
    const files = [
      "components/core/render/worker-toml.ts",
      "components/tools/systemctl.ts",
      "index.ts",
      "agent/worker/thread/sealing-thread.ts",
      "agent/cli/commands/dev.ts",
      "test/support/wait.ts",
    ];
    assert.deepEqual(files.map(layerOf), ["core", "provisioner", "provisioner", "worker", "cli", undefined]);
  });

  const planted: [string, string, Import, string][] = [
    [
      "components/ importing agent/",
      "components/farm.ts",
      file("agent/shared/auth/tokens.ts"),
      "components/farm.ts (provisioner) imports agent/shared/auth/tokens.ts (shared); provisioner may import only provisioner, core",
    ],
    [
      "the core importing the provisioner",
      "components/core/config/load-farm.ts",
      file("components/farm.ts"),
      "components/core/config/load-farm.ts (core) imports components/farm.ts (provisioner); core may import only core",
    ],
    [
      "the core importing agent/",
      "components/core/config/load-farm.ts",
      file("agent/shared/atomic-file.ts"),
      "components/core/config/load-farm.ts (core) imports agent/shared/atomic-file.ts (shared); core may import only core",
    ],
    [
      "the core importing Pulumi",
      "components/core/config/load-farm.ts",
      pkg("@pulumi/pulumi/runtime"),
      "components/core/config/load-farm.ts (core) imports the package @pulumi/pulumi/runtime, which core must not import",
    ],
    [
      "the core importing a database driver",
      "components/core/config/load-farm.ts",
      pkg("better-sqlite3"),
      "components/core/config/load-farm.ts (core) imports the package better-sqlite3, which core must not import",
    ],
    [
      "the worker importing the manager",
      "agent/worker/worker-agent.ts",
      file("agent/manager/manager.ts"),
      "agent/worker/worker-agent.ts (worker) imports agent/manager/manager.ts (manager); worker may import only worker, shared, core",
    ],
    [
      "the manager importing the CLI",
      "agent/manager/manager.ts",
      file("agent/cli/main.ts"),
      "agent/manager/manager.ts (manager) imports agent/cli/main.ts (cli); manager may import only manager, shared, core",
    ],
    [
      "the manager importing the worker",
      "agent/manager/manager.ts",
      file("agent/worker/worker-agent.ts"),
      "agent/manager/manager.ts (manager) imports agent/worker/worker-agent.ts (worker); manager may import only manager, shared, core",
    ],
    [
      "agent/ importing the provisioner's non-core part",
      "agent/cli/main.ts",
      file("components/tools/systemctl.ts"),
      "agent/cli/main.ts (cli) imports components/tools/systemctl.ts (provisioner); cli may import only cli, dev, manager, worker, shared, core",
    ],
    [
      "shared importing the worker",
      "agent/shared/atomic-file.ts",
      file("agent/worker/worker-agent.ts"),
      "agent/shared/atomic-file.ts (shared) imports agent/worker/worker-agent.ts (worker); shared may import only shared, core",
    ],
    [
      "production code importing test support",
      "agent/manager/manager.ts",
      file("test/support/wait.ts"),
      "agent/manager/manager.ts (manager) imports test/support/wait.ts, which is outside the layered code",
    ],
    [
      "production code importing a test file",
      "agent/manager/manager.ts",
      file("agent/worker/worker-agent.test.ts"),
      "agent/manager/manager.ts (manager) imports agent/worker/worker-agent.test.ts, a test file",
    ],
  ];
  for (const [what, from, bad, message] of planted) {
    it(`fails on ${what}`, () => {
      const tree = { ...good, [from]: [...(good[from as keyof typeof good] ?? []), bad] };
      assert.deepEqual(directionProblems(graph(tree)), [message]);
    });
  }

  it("reports a cycle with the files in import order", () => {
    const tree = graph({
      ...good,
      "agent/worker/worker-agent.ts": [file("agent/worker/thread.ts")],
      "agent/worker/thread.ts": [file("agent/worker/stage.ts")],
      "agent/worker/stage.ts": [file("agent/worker/worker-agent.ts"), file("agent/shared/atomic-file.ts")],
    });
    assert.deepEqual(importCycles(tree), [
      ["agent/worker/stage.ts", "agent/worker/worker-agent.ts", "agent/worker/thread.ts", "agent/worker/stage.ts"],
    ]);
    assert.deepEqual(layeringProblems(tree), [
      "import cycle among production files: agent/worker/stage.ts -> agent/worker/worker-agent.ts -> agent/worker/thread.ts -> agent/worker/stage.ts",
    ]);
  });

  it("finds a file that imports itself, and two cycles apart", () => {
    const tree = graph({
      "agent/shared/a.ts": [file("agent/shared/a.ts")],
      "agent/shared/b.ts": [file("agent/shared/c.ts")],
      "agent/shared/c.ts": [file("agent/shared/b.ts")],
    });
    assert.deepEqual(importCycles(tree), [
      ["agent/shared/a.ts", "agent/shared/a.ts"],
      ["agent/shared/b.ts", "agent/shared/c.ts", "agent/shared/b.ts"],
    ]);
  });

  it("counts no cycle through a test file", () => {
    const tree = graph({
      "agent/shared/a.ts": [file("agent/shared/a.test.ts")],
      "agent/shared/a.test.ts": [file("agent/shared/a.ts")],
    });
    assert.deepEqual(importCycles(tree), []);
  });
});

describe("reading imports", () => {
  it("finds static, re-exported, type-only and dynamic imports with literal paths, not words in comments", () => {
    const source = [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      'export { c } from "./c.js";',
      'export * from "node:fs";',
      'import "./side-effect.js";',
      '// this comment says import x from "./not-an-import.js"',
      "const s = \"import y from './not-either.js'\";",
      'const d = await import("./dynamic.js");',
      "const e = await import(name);",
    ].join("\n");
    assert.deepEqual(importSpecifiers(source), [
      "./a.js",
      "../b.js",
      "./c.js",
      "node:fs",
      "./side-effect.js",
      "./dynamic.js",
    ]);
  });

  it("resolves a relative .js to its .ts source, and leaves packages as they are", () => {
    const exists = (p: string) => ["agent/shared/units.ts", "schemas/farm.schema.json"].includes(p);
    assert.deepEqual(resolveImport("agent/worker/a.ts", "../shared/units.js", exists), {
      kind: "file",
      path: "agent/shared/units.ts",
    });
    assert.deepEqual(resolveImport("components/core/config/x.ts", "../../../schemas/farm.schema.json", exists), {
      kind: "file",
      path: "schemas/farm.schema.json",
    });
    assert.deepEqual(resolveImport("agent/worker/a.ts", "@pulumi/pulumi", exists), {
      kind: "package",
      name: "@pulumi/pulumi",
    });
  });
});
