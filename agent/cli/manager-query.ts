// What the commands that talk to a running manager share: one connection per command, closed however the command
// ends; miner and sector ids as the command line spells them; and the scaffold of the commands that ask the
// manager one thing and print the answer (a table, or the reply itself with --json).

import type { VenusClient } from "../shared/rpc/venus-client.js";
import type { VenusMethod, VenusParams, VenusResult } from "../shared/rpc/venus-methods.js";
import type { SectorID } from "../shared/rpc/venus-types.js";
import { type ParsedArgs, parseArgs, parseUint } from "./cli-args.js";
import { type CliIo, type Command, UsageError } from "./command.js";
import { CONNECT_FLAGS, connectManager } from "./connect.js";

/** Runs `use` with a client of the manager the command line names (connect.ts), and closes it afterwards. */
export async function withManager<T>(args: ParsedArgs, use: (client: VenusClient) => Promise<T>): Promise<T> {
  const client = connectManager(args);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** A miner actor id as the CLI accepts it: `1000`, `t01000` or `f01000`. */
export function parseMinerActor(text: string, what: string): number {
  return parseUint(text.replace(/^[tf]0/, ""), what);
}

/** The `MINER NUMBER` positionals of a command about one sector. */
export function sectorIdPositionals(args: ParsedArgs): SectorID {
  const [miner, number] = args.positionals;
  if (miner === undefined || number === undefined || args.positionals.length !== 2)
    throw new UsageError("expected MINER and NUMBER");
  return { Miner: parseMinerActor(miner, "MINER"), Number: parseUint(number, "NUMBER") };
}

/** The manager's answer: with --json the reply as the manager sent it, else rendered for a person. */
export function printAnswer<T>(io: CliIo, args: ParsedArgs, answer: T, render: (answer: T) => string): void {
  io.out(args.flags.has("json") ? JSON.stringify(answer, null, 2) : render(answer));
}

export interface ManagerQuery<M extends VenusMethod> {
  path: readonly string[];
  summary: string;
  usage: string;
  /** Valued flags besides the connection's (--home, --url, --token); --json is always accepted. */
  flags?: readonly string[];
  method: M;
  /** The call's params from the command line; a usage error here comes before any connection is made. */
  params(args: ParsedArgs): VenusParams<M>;
  render(answer: VenusResult<M>): string;
}

/** A command that makes one `Venus.*` call to the running manager and prints the answer. */
export function managerQueryCommand<M extends VenusMethod>(query: ManagerQuery<M>): Command {
  return {
    path: query.path,
    summary: query.summary,
    usage: query.usage,
    async run(argv, io) {
      const args = parseArgs(argv, [...CONNECT_FLAGS, ...(query.flags ?? [])], ["json"]);
      const params = query.params(args);
      printAnswer(io, args, await withManager(args, (client) => client.callVenus(query.method, params)), query.render);
      return 0;
    },
  };
}
