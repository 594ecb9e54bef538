// Reading a config file's text, where a missing or unreadable file is a ConfigError like any other problem in it,
// so a command reports it the same way (`file: expected a readable … file, got ENOENT`).
import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error.js";

/** The UTF-8 text of `file`; `what` names the kind of file for the error, e.g. "machine-class YAML file". */
export function readConfigText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([
      {
        file,
        pointer: "",
        expected: `a readable ${what}`,
        got: (error as NodeJS.ErrnoException).code ?? String(error),
      },
    ]);
  }
}
