// `sealfarm sectors show MINER NUMBER`: one sector and its timeline (every ReportState).
import { renderSectorDetail } from "../../manager/cli/render-tables.js";
import { managerQueryCommand, sectorIdPositionals } from "../manager-query.js";

export const sectorsShow = managerQueryCommand({
  path: ["sectors", "show"],
  summary: "show one sector and its timeline",
  usage: "usage: sealfarm sectors show MINER NUMBER [--json] [--home DIR | --url URL] [--token T]",
  method: "FindSector",
  params: (args) => [sectorIdPositionals(args)],
  render: renderSectorDetail,
});
