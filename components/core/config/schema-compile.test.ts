import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { packageRoot } from "../../../agent/shared/package-root.js";
import farmSchema from "../../../schemas/farm.schema.json" with { type: "json" };
import machineClassSchema from "../../../schemas/machine-class.schema.json" with { type: "json" };
import { precompileSchemas } from "./precompile-schemas.js";
import { loadValidator, precompiledPath, schemaName } from "./schema-compile.js";

// Inside the checkout (git-ignored .sealfarm/), so the generated code finds ajv's runtime in node_modules as a
// release's .build/schemas does.
mkdirSync(join(packageRoot(), ".sealfarm"), { recursive: true });
const root = mkdtempSync(join(packageRoot(), ".sealfarm", "schema-compile-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("schemas are named from their $id; a schema without one is refused", () => {
  assert.equal(schemaName(farmSchema), "farm.schema");
  assert.equal(
    precompiledPath(machineClassSchema, root),
    join(root, ".build", "schemas", "machine-class.schema.validate.cjs"),
  );
  assert.throws(() => schemaName({ type: "object" }), /expected an \$id ending in <name>\.json, got undefined/);
});

test("a precompiled validator is used for its own schema and reports the same errors as ajv compiling it now", async () => {
  assert.equal(loadValidator(machineClassSchema, root).source, "compiled", "nothing built yet");
  const written = await precompileSchemas([machineClassSchema, farmSchema], root);
  assert.deepEqual(written, [precompiledPath(machineClassSchema, root), precompiledPath(farmSchema, root)]);

  const pre = loadValidator(machineClassSchema, root);
  assert.equal(pre.source, "precompiled");
  const now = loadValidator(machineClassSchema, join(root, "elsewhere"));
  assert.equal(now.source, "compiled");
  const bad = parse(readFileSync("test/fixtures/config/class-many-mistakes.yaml", "utf8")) as unknown;
  assert.equal(pre.validate(bad), false);
  assert.equal(now.validate(bad), false);
  const strip = (errors: typeof pre.validate.errors) =>
    (errors ?? []).map((e) => ({
      ...e,
      schema: undefined,
      parentSchema: (e.parentSchema as { expected?: string })?.expected,
    }));
  assert.ok((pre.validate.errors ?? []).length > 1);
  assert.deepEqual(strip(pre.validate.errors), strip(now.validate.errors));
});

test("a precompiled validator made from another version of the schema is not used", async () => {
  const changed = { ...machineClassSchema, description: "changed after the build" };
  assert.equal(loadValidator(changed, root).source, "compiled");
});
