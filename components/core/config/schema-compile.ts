// How a JSON Schema becomes a validate function. Compiling a schema with ajv at run time costs more than starting
// node itself (ajv's ~100 modules, then code generation), so `npm run build` compiles each schema ahead of time
// into .build/schemas/<name>.validate.cjs (ajv's standalone code, precompile-schemas.ts). A precompiled validator is
// used only when it was made from exactly this schema (sha256 of its JSON); otherwise, or with no build (tests
// under tsx), ajv compiles it here, with the same options. ajv itself is loaded only then.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Ajv2020, Options, ValidateFunction } from "ajv/dist/2020.js";
import { packageRoot } from "../../../agent/shared/package-root.js";

const require = createRequire(import.meta.url);

/** The options every validator is compiled with, at run time and ahead of time. */
export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true };

export function newAjv(extra: Options = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  // Prose for error messages ("a CPU list like ..."), read by schema-validator.ts; no validation of its own.
  ajv.addKeyword({ keyword: "expected", schemaType: "string" });
  return ajv;
}

export function schemaDigest(schema: object): string {
  return createHash("sha256").update(JSON.stringify(schema)).digest("hex");
}

/** "https://sealfarm.dev/schemas/farm.schema.json" → "farm.schema". */
export function schemaName(schema: object): string {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== "string" || !/\/[\w.-]+\.json$/.test(id))
    throw new Error(`schema: expected an $id ending in <name>.json, got ${JSON.stringify(id)}`);
  return id.slice(id.lastIndexOf("/") + 1, -".json".length);
}

export function precompiledPath(schema: object, root = packageRoot()): string {
  return join(root, ".build", "schemas", `${schemaName(schema)}.validate.cjs`);
}

/** A precompiled module: the validate function itself (ajv's standalone CommonJS), tagged with its schema. */
type Precompiled = ValidateFunction & { schemaDigest?: string };

export type ValidatorSource = "precompiled" | "compiled";

/** The validate function for `schema`, and where it came from. */
export function loadValidator(
  schema: object,
  root = packageRoot(),
): { validate: ValidateFunction; source: ValidatorSource } {
  const file = precompiledPath(schema, root);
  if (existsSync(file)) {
    const pre = require(file) as Precompiled;
    if (pre.schemaDigest === schemaDigest(schema)) return { validate: pre, source: "precompiled" };
  }
  return { validate: newAjv().compile(schema), source: "compiled" };
}
