// `sealfarm sectors list [--state S] [--json]`: every sector with its state, worker and last failure.
import { flag } from "../cli-args.js";
import { managerQueryCommand } from "../manager-query.js";
import { renderSectorList } from "../render-tables.js";

export const sectorsList = managerQueryCommand({
  path: ["sectors", "list"],
  summary: "list sectors with state, worker and last failure",
  usage: "usage: sealfarm sectors list [--state S] [--json] [--home DIR | --url URL] [--token T]",
  flags: ["state"],
  method: "ListSectors",
  params: (args) => [flag(args, "state") ?? null],
  render: renderSectorList,
});
