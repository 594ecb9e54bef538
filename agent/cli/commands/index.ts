// Every `sealfarm` subcommand, in the order `sealfarm --help` lists them. A command is added here only when it
// works end to end.
import type { Command } from "../command.js";
import { chainHead } from "./chain-head.js";
import { dealsImport } from "./deals-import.js";
import { dev } from "./dev.js";
import { hostProbe } from "./host-probe.js";
import { managerInit } from "./manager-init.js";
import { managerRun } from "./manager-run.js";
import { managerTlsInit } from "./manager-tls-init.js";
import { managerTokenCreate, managerTokenRotate } from "./manager-token-create.js";
import { plan } from "./plan.js";
import { sectorsList } from "./sectors-list.js";
import { sectorsRebuild } from "./sectors-rebuild.js";
import { sectorsShow } from "./sectors-show.js";
import { sectorsUnseal } from "./sectors-unseal.js";
import { workerList } from "./worker-list.js";
import { workerPause } from "./worker-pause.js";
import { workerResume } from "./worker-resume.js";
import { workerRun } from "./worker-run.js";
import { workerTokenCreate } from "./worker-token-create.js";
import { workersList } from "./workers-list.js";

export const commands: readonly Command[] = [
  dev,
  managerInit,
  managerRun,
  managerTokenCreate,
  managerTokenRotate,
  managerTlsInit,
  sectorsList,
  sectorsShow,
  sectorsRebuild,
  sectorsUnseal,
  workersList,
  workerRun,
  workerList,
  workerPause,
  workerResume,
  workerTokenCreate,
  chainHead,
  dealsImport,
  plan,
  hostProbe,
];
