// POSIX shell quoting, once, at the edge: an argv array becomes a command line that `sh -c` splits back into
// exactly that array. Everything is single-quoted unless it is plainly safe, so no value is ever interpreted.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(arg: string): string {
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("shellJoin: expected at least a program name");
  return argv.map(shellQuote).join(" ");
}
