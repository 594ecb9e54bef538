// Which worker `sealfarm worker list|pause|resume` talk to: --url, else $SEALFARM_WORKER_URL, else the worker of
// the `sealfarm dev` farm running from this directory, else the default RPC address.
import { findRunningDevFarm } from "../shared/dev-farm.js";

export const defaultWorkerUrl = "http://127.0.0.1:17890";

export function workerUrl(flagged: string | undefined): string {
  return flagged ?? process.env.SEALFARM_WORKER_URL ?? findRunningDevFarm()?.workerUrl ?? defaultWorkerUrl;
}

export const WORKER_URL_HELP = `URL is the worker's RPC address: --url, else $SEALFARM_WORKER_URL, else the worker of the sealfarm dev farm running from this directory, else ${defaultWorkerUrl}.`;
