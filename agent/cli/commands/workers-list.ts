// `sealfarm workers list`: the workers that pinged the manager, their last ping and threads by state.

import { managerQueryCommand } from "../manager-query.js";
import { renderWorkers } from "../render-tables.js";

export const workersList = managerQueryCommand({
  path: ["workers", "list"],
  summary: "list workers with last ping and threads by state",
  usage: "usage: sealfarm workers list [--json] [--home DIR | --url URL] [--token T]",
  method: "WorkerPingInfoList",
  params: () => [],
  render: (workers) => renderWorkers(workers, Math.floor(Date.now() / 1000)),
});
