// `sealfarm sectors show MINER NUMBER`: one sector and its timeline (every ReportState).

import { managerQueryCommand, sectorIdPositionals } from "../manager-query.js";
import { renderSectorDetail } from "../render-tables.js";

export const sectorsShow = managerQueryCommand({
  path: ["sectors", "show"],
  summary: "show one sector and its timeline",
  usage: "usage: sealfarm sectors show MINER NUMBER [--json] [--home DIR | --url URL] [--token T]",
  method: "FindSector",
  params: (args) => [sectorIdPositionals(args)],
  render: renderSectorDetail,
});
