// The one ConfigError, for every input sealfarm reads: machine classes and stack config (provisioner), worker and
// manager TOML (agent). Problems are collected, never thrown one at a time: a user fixing a file wants every mistake
// in one run. Each names the file, where in it (a JSON pointer, the config key path for stack config, or damocles'
// TOML key path for worker.toml) and what was expected, or what else is wrong.

interface ProblemPlace {
  /** The file as the user knows it, e.g. "stacks/classes/epyc-2gpu.yaml" or "Pulumi.farm-a.yaml". */
  readonly file: string;
  /** A JSON pointer ("/numa/1/cores"), a config key path ("sealfarm:farm/hosts/3") or "" for the whole file. */
  readonly pointer: string;
}

export type ConfigProblem = ProblemPlace &
  (
    | {
        /** What would have been accepted, as prose: `a CPU list like "0-15,32-47"`. */
        readonly expected: string;
        /** What was found, already rendered (JSON for values), or undefined when nothing was there. */
        readonly got?: string | undefined;
      }
    | {
        /** A problem that is no expectation: "not valid TOML: …", "actor 1000 is listed twice". */
        readonly message: string;
      }
  );

/** `file: pointer: expected …, got …`, the one line a problem prints as; without the file for a per-file list. */
export function formatProblem(p: ConfigProblem, withFile = true): string {
  const where = [withFile ? p.file : "", p.pointer].filter((part) => part !== "").join(": ");
  const what =
    "message" in p
      ? p.message
      : p.got === undefined
        ? `expected ${p.expected}`
        : `expected ${p.expected}, got ${p.got}`;
  return where === "" ? what : `${where}: ${what}`;
}

/** Every problem found in one input, reported together. Nothing is written when this is thrown. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map((p) => formatProblem(p)).join("\n"));
    this.problems = problems;
  }

  /** One line per problem, each naming the file: what a command prints. */
  get lines(): string[] {
    return this.problems.map((p) => formatProblem(p));
  }
}

/** JSON rendering of a found value for messages; long values are cut so one bad blob does not flood the terminal. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "bigint") return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** The value a JSON pointer names inside `root`, or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const raw of pointer.split("/").slice(1)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[raw.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return v;
}
