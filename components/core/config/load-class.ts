// Reading machine classes from YAML files. The parsing is pure (text in, class out); the two loaders only read.
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { type MachineClass, parseMachineClass } from "./machine-class.js";
import { readConfigText } from "./read-config-text.js";

/** Parses YAML text; syntax errors become problems naming the line and column. */
export function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e): ConfigProblem => {
        const pos = e.linePos?.[0];
        return {
          file: pos === undefined ? file : `${file}:${pos.line}:${pos.col}`,
          pointer: "",
          expected: "valid YAML",
          got: (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, ""),
        };
      }),
    );
  }
  try {
    const value: unknown = doc.toJS();
    const at = cyclePointer(value);
    if (at !== null)
      throw new ConfigError([
        { file, pointer: at, expected: "a value that does not contain itself", got: "a recursive alias" },
      ]);
    return value;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // yaml refuses an alias bomb ("Excessive alias count ...") while building the value: name the file too.
    throw new ConfigError([
      { file, pointer: "", expected: "YAML without excessive aliases", got: (error as Error).message },
    ]);
  }
}

/** The pointer where a value contains itself (`a: &a [*a]`), or null: no loader can walk such a value. */
function cyclePointer(value: unknown, pointer = "", path = new Set<object>()): string | null {
  if (value === null || typeof value !== "object") return null;
  if (path.has(value)) return pointer || "/";
  path.add(value);
  for (const [k, v] of Object.entries(value)) {
    const at = cyclePointer(v, `${pointer}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`, path);
    if (at !== null) return at;
  }
  path.delete(value);
  return null;
}

/** Parses a machine class from YAML text. `file` is how errors name it. */
export function parseMachineClassYaml(text: string, file: string): MachineClass {
  return parseMachineClass(parseYaml(text, file), file);
}

/** Reads and validates one machine-class file. */
export function loadMachineClass(file: string): MachineClass {
  return parseMachineClassYaml(readConfigText(file, "machine-class YAML file"), file);
}

/**
 * Loads every `*.yaml` in a directory as a class library, keyed by class name. A class's `name` must equal its
 * file name, so `class: epyc-2gpu` in a farm always means `epyc-2gpu.yaml`. Problems of all files are reported together.
 */
export function loadClassDirectory(dir: string): Map<string, MachineClass> {
  const classes = new Map<string, MachineClass>();
  const problems: ConfigProblem[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
  for (const f of files) {
    const file = join(dir, f);
    try {
      const mc = loadMachineClass(file);
      const stem = basename(f).replace(/\.ya?ml$/, "");
      if (mc.name !== stem) {
        problems.push({
          file,
          pointer: "/name",
          expected: `"${stem}" (the file name without .yaml)`,
          got: JSON.stringify(mc.name),
        });
      } else classes.set(mc.name, mc);
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return classes;
}
