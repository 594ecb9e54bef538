// POSIX shell quoting, the one quoter for every command line sealfarm builds (provider scripts over SSH, host
// preparation, test launchers). Every word is single-quoted, even a plainly safe one, so a script's text depends
// only on its values, never on which characters they happen to use: the host-preparation script's text is part of
// its restart trigger. systemd's ExecStart is another grammar (render/systemd-unit.ts `quoteExecArg`).

/** One word for `sh`: `it's` → `'it'\''s'`; `sh -c` reads it back as exactly that word. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
