// The one way from ajv's errors (JSON Schema 2020-12, compiled with `allErrors` and `verbose`) to ConfigProblems:
// every config loader, provisioner or agent, goes through here. A schema node may carry an `expected` annotation,
// the prose used when a value is wrong ("a CPU list like ..."), so messages read in the user's terms, not as schema
// keywords.
import type { ErrorObject } from "ajv/dist/2020.js";
import { type ConfigProblem, describeValue, pointerSegment } from "./config-error.js";

type SchemaNode = { expected?: string; properties?: Record<string, SchemaNode> } | undefined;

function expectedOf(schema: unknown): string | undefined {
  const s = schema as SchemaNode;
  return typeof s?.expected === "string" ? s.expected : undefined;
}

function typeName(data: unknown): string {
  if (data === null) return "null";
  if (Array.isArray(data)) return "a list";
  if (typeof data === "object") return "a map";
  return typeof data === "bigint" ? "a number" : `a ${typeof data}`;
}

const article = (t: string): string => (t === "integer" ? "an integer" : t === "object" ? "a map" : `a ${t}`);

/**
 * Every problem in `errors`, pointers prefixed with `prefix` (the config key for stack config, else ""). An
 * `anyOf` says it once: its branches' own errors at the same place are left out. Duplicates are dropped.
 */
export function schemaProblems(errors: readonly ErrorObject[], file: string, prefix = ""): ConfigProblem[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  const problems = errors
    .filter((e) => e.keyword === "anyOf" || !anyOfPaths.has(e.instancePath))
    .map((e) => toProblem(e, file, prefix));
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toProblem(e: ErrorObject, file: string, prefix: string): ConfigProblem {
  const at = (path: string): string => `${prefix}${path}` || (prefix === "" ? "/" : prefix);
  const own = expectedOf(e.parentSchema);
  const got = `${describeValue(e.data)}${e.data === null || typeof e.data === "object" ? "" : ` (${typeName(e.data)})`}`;
  const here = { file, pointer: at(e.instancePath) };
  switch (e.keyword) {
    case "required": {
      const key = String(e.params.missingProperty);
      const child = expectedOf((e.parentSchema as SchemaNode)?.properties?.[key]);
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
      return { ...here, expected: own ?? article(String(e.params.type)), got };
    case "pattern":
      return { ...here, expected: own ?? `text matching ${e.params.pattern}`, got };
    case "enum":
      return {
        ...here,
        expected: `one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
        got,
      };
    case "const":
      return { ...here, expected: JSON.stringify(e.params.allowedValue), got };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const op = { minimum: ">=", maximum: "<=", exclusiveMinimum: ">", exclusiveMaximum: "<" }[e.keyword];
      return { ...here, expected: own ?? `a number ${op} ${e.params.limit}`, got };
    }
    case "minItems":
      return { ...here, expected: `at least ${e.params.limit} item(s)`, got };
    case "uniqueItems":
      return { ...here, expected: `distinct items (items ${e.params.j} and ${e.params.i} are equal)`, got };
    case "minLength":
      return { ...here, expected: own ?? "a non-empty string", got };
    default:
      return { ...here, expected: own ?? String(e.message), got };
  }
}
