// One `sealfarm` subcommand. Commands are thin: parse argv, call the code that does the work, print.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  /** The words after `sealfarm`, for example ["manager", "init"]. */
  readonly path: readonly string[];
  /** One line for `sealfarm --help`. */
  readonly summary: string;
  /** The full usage text for `sealfarm <path> --help`. */
  readonly usage: string;
  /** Returns the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A registered command, loaded only when it runs (or when `--help` lists every summary). */
export interface CommandEntry {
  readonly path: readonly string[];
  load(): Promise<Command>;
}

/** What main() dispatches over: registered entries, or commands already in hand (tests pass those). */
export type Registered = Command | CommandEntry;

export async function loadCommand(c: Registered): Promise<Command> {
  return "run" in c ? c : await c.load();
}
