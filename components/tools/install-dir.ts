// `install -d` as typed argv: a directory with its mode, owner and group, created (with parents) or fixed up in
// one idempotent step.

export interface InstallDirOptions {
  readonly path: string;
  /** Octal mode as text, e.g. "0750". */
  readonly mode: string;
  readonly owner?: string;
  readonly group?: string;
}

const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function installDir(opts: InstallDirOptions): string[] {
  if (!opts.path.startsWith("/"))
    throw new Error(`install -d: expected an absolute path, got ${JSON.stringify(opts.path)}`);
  if (!/^0?[0-7]{3}$/.test(opts.mode))
    throw new Error(`install -d ${opts.path}: expected an octal mode like "0750", got ${JSON.stringify(opts.mode)}`);
  const argv = ["install", "-d", "-m", opts.mode];
  for (const [flag, name] of [
    ["-o", opts.owner],
    ["-g", opts.group],
  ] as const) {
    if (name === undefined) continue;
    if (!NAME.test(name))
      throw new Error(`install -d ${opts.path}: expected a user/group name, got ${JSON.stringify(name)}`);
    argv.push(flag, name);
  }
  argv.push("--", opts.path);
  return argv;
}
