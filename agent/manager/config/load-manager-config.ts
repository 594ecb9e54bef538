// Reads manager.toml: TOML parse → JSON Schema (defaults filled in) → cross-field checks → resolved config.
// Every error names the file, the JSON pointer of the key, what was expected and what was found.
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse as parseToml } from "smol-toml";
import { ConfigError, type ConfigProblem, valueAt } from "../../../components/core/config/config-error.js";
import type { ManagerToml } from "../../../components/core/config/manager-toml.js";
import { nonFiniteNumbers } from "../../../components/core/config/non-finite.js";
import { schemaProblems } from "../../../components/core/config/schema-problems.js";
import { packageRoot } from "../../../components/core/package-root.js";
import { resolveProofsBin } from "../proofs/proofs-binary.js";
import { type ManagerConfig, resolveManagerConfig } from "./manager-config.js";

let validator: ReturnType<Ajv2020["compile"]> | undefined;

function validate(): ReturnType<Ajv2020["compile"]> {
  if (validator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, useDefaults: true, strict: false });
    validator = ajv.compile(
      JSON.parse(readFileSync(join(packageRoot(), "schemas", "manager.schema.json"), "utf8")) as object,
    );
  }
  return validator;
}

/** Validates a parsed TOML document; returns it with every default filled in. */
export function checkManagerToml(file: string, data: unknown): ManagerToml {
  const nonFinite = nonFiniteNumbers(data);
  if (nonFinite.length > 0)
    throw new ConfigError(
      nonFinite.map((at) => ({ file, pointer: at, expected: "a finite number", got: String(valueAt(data, at)) })),
    );
  const v = validate();
  const copy = structuredClone(data);
  if (!v(copy)) throw new ConfigError(schemaProblems(v.errors ?? [], file));
  return copy as ManagerToml;
}

export function parseManagerToml(file: string, text: string): ManagerToml {
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (error) {
    throw new ConfigError([
      {
        file,
        pointer: "",
        message: `not valid TOML: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
      },
    ]);
  }
  return checkManagerToml(file, data);
}

export function configPath(home: string): string {
  return join(home, "manager.toml");
}

/** Loads `<home>/manager.toml`. A missing file is an error that says how to create one. */
export function loadManagerConfig(home: string): ManagerConfig {
  const file = configPath(home);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new ConfigError([
        { file, pointer: "", message: `not found (run \`sealfarm manager init --home ${home}\`)` },
      ]);
    throw error;
  }
  const toml = parseManagerToml(file, text);
  const config = resolveManagerConfig(home, toml, file);
  const problems = pathProblems(config, toml, file);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

type Kind = "file" | "directory" | "missing" | "other";
function kindOf(path: string): Kind {
  try {
    const st = statSync(path);
    return st.isFile() ? "file" : st.isDirectory() ? "directory" : "other";
  } catch {
    return "missing";
  }
}

/**
 * What the file system says about the configured paths, checked at load so a bad one is refused with its key
 * instead of failing at run time: the proofs binary exists, directories are not files, the secret is not a
 * directory, the SQLite database's directory exists.
 */
export function pathProblems(config: ManagerConfig, toml: ManagerToml, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const expect = (at: string, path: string, want: Kind, allowMissing: boolean) => {
    const kind = kindOf(path);
    if (kind === want || (allowMissing && kind === "missing")) return;
    const found =
      kind === "missing" ? "nothing there" : kind === "other" ? "not a regular file or directory" : `a ${kind}`;
    problems.push({
      file,
      pointer: at,
      message: `expected ${allowMissing ? `a ${want} or nothing` : `a ${want}`} at ${path}, found ${found}`,
    });
  };
  if (toml.proofs.bin !== "") expect("/proofs/bin", resolveProofsBin(toml.proofs.bin), "file", false);
  expect("/piece_store/path", config.pieceStorePath, "directory", true);
  toml.persist_stores.forEach((s, i) => {
    expect(`/persist_stores/${i}/path`, config.persistStores[i]?.path ?? s.path, "directory", !s.read_only);
  });
  expect("/auth/secret_file", config.secretFile, "file", true);
  if (config.dbUrl.startsWith("sqlite://")) {
    const db = config.dbUrl.slice("sqlite://".length);
    if (db !== ":memory:") {
      expect("/db/url", dirname(db), "directory", false);
      expect("/db/url", db, "file", true);
    }
  }
  return problems;
}
