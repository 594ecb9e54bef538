// A systemd unit file from a plain object: sections in systemd's order, keys sorted, a list value becomes one line
// per item (ExecStartPre=, ReadWritePaths=), booleans become yes/no. Values are checked, never trusted: a newline
// would start a new directive, so it is refused.
import { MANAGED_HEADER } from "./managed-header.js";

export type UnitValue = string | number | boolean | readonly string[];
export type UnitSection = Readonly<Record<string, UnitValue | undefined>>;

export interface SystemdUnitFile {
  readonly Unit: UnitSection;
  readonly Service: UnitSection;
  readonly Install?: UnitSection;
}

const SECTION_ORDER = ["Unit", "Service", "Install"] as const;

function renderValue(section: string, key: string, value: string | number | boolean): string {
  const text = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
  if (/[\r\n]/.test(text))
    throw new Error(`systemd unit [${section}] ${key}: expected a single line, got ${JSON.stringify(text)}`);
  return text;
}

/** Renders the unit with the managed-by header. Deterministic: same object, same bytes. */
export function renderSystemdUnit(unit: SystemdUnitFile): string {
  const out = [MANAGED_HEADER];
  for (const name of SECTION_ORDER) {
    const section = unit[name];
    if (section === undefined) continue;
    out.push("", `[${name}]`);
    for (const key of Object.keys(section).sort()) {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key))
        throw new Error(`systemd unit [${name}]: expected a directive name, got ${JSON.stringify(key)}`);
      const value = section[key];
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value as string | number | boolean];
      for (const v of values) out.push(`${key}=${renderValue(name, key, v)}`);
    }
  }
  return `${out.join("\n")}\n`;
}

/**
 * Quotes one ExecStart argument the way systemd parses it: double quotes when it has spaces or quotes, backslash
 * escapes inside, and `%`/`$` doubled so systemd neither expands specifiers nor variables in our values.
 */
export function quoteExecArg(arg: string): string {
  if (/[\r\n]/.test(arg)) throw new Error(`ExecStart argument: expected a single line, got ${JSON.stringify(arg)}`);
  const escaped = arg.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (escaped !== "" && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** An ExecStart line from an argv whose first element is an absolute path. */
export function execLine(argv: readonly string[]): string {
  const [program] = argv;
  if (program === undefined || !program.startsWith("/")) {
    throw new Error(`ExecStart: expected an absolute program path first, got ${JSON.stringify(program)}`);
  }
  return argv.map(quoteExecArg).join(" ");
}
