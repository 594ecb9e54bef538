// Golden worker TOMLs: every shipped class x role x sector size is rendered and compared byte for byte with
// test/fixtures/render/<class>/<role>-<size>.toml (or <role>-<size>.error.txt when the class cannot run it).
// UPDATE_GOLDEN=1 rewrites the fixtures; review the diff. Every golden also validates against
// schemas/worker.schema.json and loads through the worker's own config loader without a warning.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "smol-toml";
import { parseWorkerConfig } from "../../../agent/worker/config/load-worker-config.js";
import workerSchema from "../../../schemas/worker.schema.json" with { type: "json" };
import { loadClassDirectory } from "../config/load-class.js";
import { sectorSizeNames } from "../config/sector-size.js";
import { PlanError } from "../plan/plan-error.js";
import { type PlanContext, planHost } from "../plan/plan-host.js";
import { renderWorkerToml } from "./worker-toml.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = join(root, "test/fixtures/render");
const update = process.env.UPDATE_GOLDEN === "1";
const classes = loadClassDirectory(join(root, "stacks/classes"));
const roles = ["sealer", "post"] as const;

/** The farm context goldens are rendered in (documentation addresses, never contacted). */
export const goldenContext: Partial<PlanContext> = {
  managerRpcAddr: "/ip4/192.0.2.10/tcp/1789",
  miners: [1000],
  persistStores: [
    { name: "persist-1", path: "/mnt/persist-1" },
    { name: "persist-old", path: "/mnt/persist-old", readonly: true },
  ],
};

function renderCase(className: string, role: (typeof roles)[number], size: (typeof sectorSizeNames)[number]) {
  const mc = classes.get(className);
  assert.ok(mc);
  try {
    return { file: `${role}-${size}.toml`, text: renderWorkerToml(planHost(mc, role, size, goldenContext)) };
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return { file: `${role}-${size}.error.txt`, text: `${error.message}\n` };
  }
}

function compare(dir: string, file: string, text: string): void {
  const path = join(dir, file);
  if (update) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text);
    return;
  }
  assert.ok(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npm test and review the new file`);
  assert.equal(text, readFileSync(path, "utf8"), `${path} differs from the render (UPDATE_GOLDEN=1 to accept)`);
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateWorker = ajv.compile(workerSchema);

describe("worker TOML goldens", () => {
  it("ships the classes the farm needs", () => {
    assert.deepEqual([...classes.keys()].sort(), ["dev", "epyc-2gpu", "manager-small", "post-1gpu"]);
  });

  for (const className of [...classes.keys()].sort()) {
    it(`${className}: every role and sector size matches its golden file, and no golden is stale`, () => {
      const dir = join(fixtures, className);
      const expected = new Set<string>();
      for (const role of roles) {
        for (const size of sectorSizeNames) {
          const { file, text } = renderCase(className, role, size);
          expected.add(file);
          compare(dir, file, text);
        }
      }
      const present = readdirSync(dir).filter((f) => f.endsWith(".toml") || f.endsWith(".error.txt"));
      assert.deepEqual(
        present.filter((f) => !expected.has(f)),
        [],
        "golden files no render produces",
      );
    });
  }

  it("the 32 GiB sealer class plans 32 GiB sealing, and every class plans 2 KiB on both roles", () => {
    assert.ok(existsSync(join(fixtures, "epyc-2gpu/sealer-32GiB.toml")));
    assert.ok(existsSync(join(fixtures, "post-1gpu/post-32GiB.toml")));
    for (const c of classes.keys())
      for (const r of roles) assert.ok(existsSync(join(fixtures, c, `${r}-2KiB.toml`)), `${c} ${r}`);
  });

  it("every golden worker TOML validates against schemas/worker.schema.json and loads in the worker without warnings", () => {
    let checked = 0;
    for (const className of classes.keys()) {
      const dir = join(fixtures, className);
      for (const f of readdirSync(dir).filter((x) => x.endsWith(".toml"))) {
        const file = join(dir, f);
        const text = readFileSync(file, "utf8");
        const ok = validateWorker(parse(text));
        assert.ok(ok, `${file}: ${JSON.stringify(validateWorker.errors)}`);
        const loaded = parseWorkerConfig(text, file, { defaultBin: "/opt/sealfarm/current/bin/sealfarm-proofs" });
        assert.deepEqual(loaded.warnings, [], file);
        checked++;
      }
    }
    assert.ok(checked >= 20, `only ${checked} goldens checked`);
  });

  it("renders the same class to the same bytes, and a worker name only changes [worker]", () => {
    const mc = classes.get("epyc-2gpu");
    assert.ok(mc);
    const a = renderWorkerToml(planHost(mc, "sealer", "32GiB", goldenContext));
    const b = renderWorkerToml(planHost(structuredClone(mc), "sealer", "32GiB", goldenContext));
    assert.equal(a, b);
    const named = renderWorkerToml(planHost(mc, "sealer", "32GiB", { ...goldenContext, workerName: "sealer-01" }));
    assert.equal(named.replace('\n[worker]\nname = "sealer-01"\n', ""), a);
  });

  it("puts the manager token only into the rendered text, as sector_manager.token", () => {
    const mc = classes.get("dev");
    assert.ok(mc);
    const plan = planHost(mc, "sealer", "2KiB", goldenContext);
    const text = renderWorkerToml(plan, { managerToken: "tok-123" });
    assert.equal((parse(text) as { sector_manager: { token: string } }).sector_manager.token, "tok-123");
    assert.ok(!JSON.stringify(plan).includes("tok-123"));
    assert.ok(validateWorker(parse(text)));
  });

  it("starts with the managed-by header", () => {
    assert.match(renderCase("dev", "sealer", "2KiB").text, /^# Managed by sealfarm \(Pulumi\)/);
  });
});
