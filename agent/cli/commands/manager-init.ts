// `sealfarm manager init --home DIR`: writes DIR/manager.toml with every setting and its default.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultManagerToml } from "../../../components/core/config/manager-toml.js";
import { renderManagerToml } from "../../../components/core/render/manager-toml-text.js";
import { managerHome, parseArgs } from "../cli-args.js";
import type { Command } from "../command.js";

export const managerInit: Command = {
  path: ["manager", "init"],
  summary: "write a manager.toml with every setting and its default",
  usage:
    "usage: sealfarm manager init [--home DIR] [--force]\n\nWrites DIR/manager.toml (default home: $SEALFARM_MANAGER_HOME or ~/.sealfarm/manager).\nRefuses to overwrite an existing file unless --force is given.",
  async run(argv, io) {
    const args = parseArgs(argv, ["home"], ["force"]);
    const home = resolve(managerHome(args));
    const file = join(home, "manager.toml");
    if (existsSync(file) && !args.flags.has("force")) {
      io.err(`sealfarm manager init: ${file} already exists (use --force to overwrite)`);
      return 1;
    }
    mkdirSync(home, { recursive: true });
    writeFileSync(file, renderManagerToml(defaultManagerToml()));
    io.out(`wrote ${file}`);
    return 0;
  },
};
