// `npm run build`'s second step: every schema the config loaders validate with (compileSchema) compiled ahead of
// time into .build/schemas/<name>.validate.cjs, ajv's standalone code plus the digest of the schema it was made
// from (schema-compile.ts uses it only when the digest matches). CommonJS because ajv's standalone code requires
// its runtime helpers.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import farmSchema from "../../../schemas/farm.schema.json" with { type: "json" };
import machineClassSchema from "../../../schemas/machine-class.schema.json" with { type: "json" };
import { newAjv, precompiledPath, schemaDigest } from "./schema-compile.js";

export const PRECOMPILED_SCHEMAS: readonly object[] = [machineClassSchema, farmSchema];

/** Writes one validator per schema under `root`/.build/schemas; returns the files written. */
export async function precompileSchemas(schemas: readonly object[], root?: string): Promise<string[]> {
  const standalone = (await import("ajv/dist/standalone/index.js")).default as unknown as {
    default: (ajv: unknown, validate: unknown) => string;
  };
  const written: string[] = [];
  for (const schema of schemas) {
    const ajv = newAjv({ code: { source: true } });
    const code = standalone.default(ajv, ajv.compile(schema));
    const file = precompiledPath(schema, root);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${code}\nmodule.exports.schemaDigest = ${JSON.stringify(schemaDigest(schema))};\n`);
    renameSync(tmp, file);
    written.push(file);
  }
  return written;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await precompileSchemas(PRECOMPILED_SCHEMAS)) console.log(`precompiled ${f}`);
}
