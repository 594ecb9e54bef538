// `sealfarm sectors show MINER NUMBER`: one sector and its timeline (every ReportState).
import { parseArgs, parseUint } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { CONNECT_FLAGS, connectManager } from "../connect.js";
import { renderSectorDetail } from "../render-tables.js";

export const sectorsShow: Command = {
  path: ["sectors", "show"],
  summary: "show one sector and its timeline",
  usage: "usage: sealfarm sectors show MINER NUMBER [--json] [--home DIR | --url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, [...CONNECT_FLAGS], ["json"]);
    const [miner, number] = args.positionals;
    if (miner === undefined || number === undefined || args.positionals.length !== 2)
      throw new UsageError("expected MINER and NUMBER");
    const client = connectManager(args);
    try {
      const detail = await client.callVenus("FindSector", [
        { Miner: parseUint(miner.replace(/^[tf]0/, ""), "MINER"), Number: parseUint(number, "NUMBER") },
      ]);
      io.out(args.flags.has("json") ? JSON.stringify(detail, null, 2) : renderSectorDetail(detail));
      return 0;
    } finally {
      client.close();
    }
  },
};
