// A compiled schema that answers with ConfigProblems (schema-problems.ts translates ajv's errors), loaded on first use.
import type { ValidateFunction } from "ajv/dist/2020.js";
import { type ConfigProblem, valueAt } from "./config-error.js";
import { nonFiniteNumbers } from "./non-finite.js";
import { loadValidator } from "./schema-compile.js";
import { schemaProblems } from "./schema-problems.js";

export interface SchemaValidator {
  /** Every problem with `value`, pointers prefixed with `prefix` (a config key for stack config, else ""). */
  problems(value: unknown, file: string, prefix?: string): ConfigProblem[];
}

/** Loaded on first use: a module that holds a validator costs nothing to import (CLI start-up time). */
export function compileSchema(schema: object): SchemaValidator {
  let validate: ValidateFunction | undefined;
  return {
    problems(value, file, prefix = "") {
      // `.inf`, `.nan` and numbers past 2^53 first: a schema's range cannot be trusted to catch them all.
      const nonFinite = nonFiniteNumbers(value);
      if (nonFinite.length > 0)
        return nonFinite.map((at) => ({
          file,
          pointer: `${prefix}${at}`,
          expected: "a finite number",
          got: String(valueAt(value, at)),
        }));
      validate ??= loadValidator(schema).validate;
      if (validate(value)) return [];
      return schemaProblems(validate.errors ?? [], file, prefix);
    },
  };
}
