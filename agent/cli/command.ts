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
