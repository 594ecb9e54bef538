// Every `sealfarm` subcommand, in the order `sealfarm --help` lists them. A command is added here only when it
// works end to end.
import type { Command } from "../command.js";

export const commands: readonly Command[] = [];
