// Config problems are collected, never thrown one at a time: a user fixing a file wants every mistake in one run.
// Each names the file, the JSON pointer (or, for stack config, the config key path) and what was expected.

export interface ConfigProblem {
  /** The file as the user knows it, e.g. "stacks/classes/epyc-2gpu.yaml" or "Pulumi.farm-a.yaml". */
  readonly file: string;
  /** A JSON pointer ("/numa/1/cores"), prefixed with the config key for stack config ("sealfarm:farm/hosts/3"). */
  readonly pointer: string;
  /** What would have been accepted, as prose: `a CPU list like "0-15,32-47"`. */
  readonly expected: string;
  /** What was found, already rendered (JSON for values), or undefined when nothing was there. */
  readonly got?: string | undefined;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.pointer === "" ? p.file : `${p.file}: ${p.pointer}`;
  return p.got === undefined ? `${where}: expected ${p.expected}` : `${where}: expected ${p.expected}, got ${p.got}`;
}

/** Every problem found in one input, reported together. Nothing is written when this is thrown. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }
}

/** JSON rendering of a found value for messages; long values are cut so one bad blob does not flood the terminal. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}
