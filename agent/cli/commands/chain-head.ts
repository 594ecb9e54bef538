// `sealfarm chain head`: the devnet's current epoch.
import { managerQueryCommand } from "../manager-query.js";

export const chainHead = managerQueryCommand({
  path: ["chain", "head"],
  summary: "print the chain's current epoch",
  usage: "usage: sealfarm chain head [--json] [--home DIR | --url URL] [--token T]",
  method: "ChainHead",
  params: () => [],
  render: (head) => `height ${head.Height} (block time ${head.BlockDelayMs} ms)`,
});
