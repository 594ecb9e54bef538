// `sealfarm manager run --home DIR`: validates the config, starts the manager and serves until SIGINT/SIGTERM.
import { resolve } from "node:path";
import { ConfigError } from "../../../components/core/config/config-error.js";
import { startManager } from "../../manager/manager.js";
import { managerHome, parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";
import { untilStopSignal } from "../stop-signal.js";

export const managerRun: Command = {
  path: ["manager", "run"],
  summary: "start the sector manager (JSON-RPC at /rpc/v0, embedded devnet)",
  usage:
    "usage: sealfarm manager run [--home DIR]\n\nServes until SIGINT or SIGTERM. Prints `listening on URL` once ready.",
  async run(argv, io) {
    const args = parseArgs(argv, ["home"]);
    const home = resolve(managerHome(args));
    let manager: Awaited<ReturnType<typeof startManager>>;
    try {
      manager = await startManager({ home });
    } catch (error) {
      if (error instanceof ConfigError) {
        for (const line of error.lines) io.err(line);
        return 1;
      }
      throw error;
    }
    io.out(
      `sealfarm manager: listening on ${manager.url} (db ${manager.ctx.config.dbUrl.replace(/\/\/[^@/]*@/, "//***@")})`,
    );
    await untilStopSignal();
    await manager.close();
    io.out("sealfarm manager: stopped");
    return 0;
  },
};
