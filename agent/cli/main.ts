// `sealfarm` argv dispatch: finds the command whose path is the longest prefix of argv and runs it.
import { packageVersion } from "../../components/core/package-version.js";
import { type CliIo, type Command, loadCommand, type Registered, UsageError } from "./command.js";
import { commands as registered } from "./commands/index.js";
import { guardStdio } from "./guard-stdio.js";

const stdio: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

export function renderHelp(commands: readonly Command[]): string {
  const width = Math.max(0, ...commands.map((c) => c.path.join(" ").length));
  const lines = commands.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "sealfarm: a Filecoin sealing farm declared as code",
    "",
    "usage: sealfarm <command> [options]",
    "       sealfarm <command> --help",
    "",
    "options:",
    "  --help       show this help",
    "  --version    print the version",
    ...(lines.length > 0 ? ["", "commands:", ...lines] : []),
    "",
  ].join("\n");
}

/** The registered command whose path is the longest prefix of argv. */
export function findCommand<C extends Pick<Command, "path">>(
  commands: readonly C[],
  argv: readonly string[],
): C | undefined {
  let best: C | undefined;
  for (const c of commands) {
    const matches = c.path.every((word, i) => argv[i] === word);
    if (matches && (best === undefined || c.path.length > best.path.length)) best = c;
  }
  return best;
}

export async function main(
  argv: string[],
  io: CliIo = stdio,
  commands: readonly Registered[] = registered,
): Promise<number> {
  if (io === stdio) guardStdio();
  const first = argv[0];
  if (first === "--version" || first === "-V") {
    io.out(`sealfarm ${packageVersion()}`);
    return 0;
  }
  const all = () => Promise.all(commands.map(loadCommand));
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    io.out(renderHelp(await all()));
    return first === undefined ? 2 : 0;
  }
  const entry = findCommand(commands, argv);
  if (entry === undefined) {
    io.err(`sealfarm: unknown command "${argv.filter((a) => !a.startsWith("-")).join(" ")}"`);
    io.err(renderHelp(await all()));
    return 2;
  }
  const command = await loadCommand(entry);
  const rest = argv.slice(command.path.length);
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sealfarm ${command.path.join(" ")}: ${error.message}`);
      io.err(command.usage);
      return 2;
    }
    io.err(`sealfarm ${command.path.join(" ")}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
