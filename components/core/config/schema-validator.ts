// ajv (JSON Schema 2020-12) turned into ConfigProblems. Schemas may carry an `expected` annotation: the prose used
// when a value is wrong ("a CPU list like ..."), so messages read as the user's terms, not as schema keywords.
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { nonFiniteNumbers } from "../../../agent/shared/non-finite.js";
import { type ConfigProblem, describeValue, pointerSegment } from "./config-error.js";
import { loadValidator } from "./schema-compile.js";

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
      return dedupe((validate.errors ?? []).map((e) => toProblem(e, file, prefix)));
    },
  };
}

type SchemaNode = { expected?: string; properties?: Record<string, SchemaNode>; $ref?: string } | undefined;

function expectedOf(schema: unknown): string | undefined {
  const s = schema as SchemaNode;
  return typeof s?.expected === "string" ? s.expected : undefined;
}

function typeName(data: unknown): string {
  if (data === null) return "null";
  if (Array.isArray(data)) return "a list";
  if (typeof data === "object") return "a map";
  return `a ${typeof data}`;
}

const article = (t: string): string => (t === "integer" ? "an integer" : t === "object" ? "a map" : `a ${t}`);

function toProblem(e: ErrorObject, file: string, prefix: string): ConfigProblem {
  const at = (path: string): string => `${prefix}${path}` || (prefix === "" ? "/" : prefix);
  const own = expectedOf(e.parentSchema);
  const got = `${describeValue(e.data)}${e.data === null || typeof e.data === "object" ? "" : ` (${typeName(e.data)})`}`;
  switch (e.keyword) {
    case "required": {
      const key = String(e.params.missingProperty);
      const props = (e.parentSchema as SchemaNode)?.properties;
      const child = expectedOf(props?.[key]);
      return {
        file,
        pointer: at(`${e.instancePath}/${pointerSegment(key)}`),
        expected: child === undefined ? `the required key "${key}"` : `the required key "${key}": ${child}`,
        got: "nothing",
      };
    }
    case "additionalProperties": {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as SchemaNode)?.properties ?? {});
      return {
        file,
        pointer: at(`${e.instancePath}/${pointerSegment(key)}`),
        expected: `one of the keys ${allowed.map((k) => `"${k}"`).join(", ")}`,
        got: `the unknown key "${key}"`,
      };
    }
    case "type":
      return { file, pointer: at(e.instancePath), expected: own ?? article(String(e.params.type)), got };
    case "pattern":
      return { file, pointer: at(e.instancePath), expected: own ?? `text matching ${e.params.pattern}`, got };
    case "enum":
      return {
        file,
        pointer: at(e.instancePath),
        expected: `one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
        got,
      };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const op = { minimum: ">=", maximum: "<=", exclusiveMinimum: ">", exclusiveMaximum: "<" }[e.keyword];
      return { file, pointer: at(e.instancePath), expected: own ?? `a number ${op} ${e.params.limit}`, got };
    }
    case "minItems":
      return { file, pointer: at(e.instancePath), expected: `at least ${e.params.limit} item(s)`, got };
    case "uniqueItems":
      return {
        file,
        pointer: at(e.instancePath),
        expected: `distinct items (items ${e.params.j} and ${e.params.i} are equal)`,
        got,
      };
    case "minLength":
      return { file, pointer: at(e.instancePath), expected: own ?? "a non-empty string", got };
    default:
      return { file, pointer: at(e.instancePath), expected: own ?? String(e.message), got };
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const raw of pointer.split("/").slice(1)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[raw.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return v;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\u0000${p.expected}\u0000${p.got}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
