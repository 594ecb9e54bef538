// A small argv parser for the manager's CLI commands: `--flag value`, `--flag=value`, boolean flags, positionals.
// Unknown flags are usage errors naming the flag.
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./command.js";

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positionals: string[];
}

export function parseArgs(
  argv: readonly string[],
  valued: readonly string[],
  booleans: readonly string[] = [],
): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (booleans.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { flags, positionals };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

/** A valued flag the command cannot do without; `placeholder` names its value in the message (`--config FILE`). */
export function requiredFlag(args: ParsedArgs, name: string, placeholder: string): string {
  const value = flag(args, name);
  if (value === undefined) throw new UsageError(`--${name} ${placeholder} is required`);
  return value;
}

/** --home, else $SEALFARM_MANAGER_HOME, else ~/.sealfarm/manager. */
export function managerHome(args: ParsedArgs): string {
  return flag(args, "home") ?? process.env.SEALFARM_MANAGER_HOME ?? join(homedir(), ".sealfarm", "manager");
}

export function parseUint(text: string, what: string): number {
  if (!/^[0-9]+$/.test(text))
    throw new UsageError(`${what}: expected an unsigned integer, got ${JSON.stringify(text)}`);
  return Number(text);
}
