// Which worker `sealfarm worker list|pause|resume` talk to: --url, else $SEALFARM_WORKER_URL, else the worker of
// the `sealfarm dev` farm running from this directory, else the default RPC address; and with which token.

import { findRunningDevFarm } from "../dev/running-farm.js";
import { callWorker } from "../worker/rpc/worker-rpc.js";
import { flag, type ParsedArgs, parseUint, requiredFlag } from "./cli-args.js";

export const defaultWorkerUrl = "http://127.0.0.1:17890";

export function workerUrl(flagged: string | undefined): string {
  return flagged ?? process.env.SEALFARM_WORKER_URL ?? findRunningDevFarm()?.workerUrl ?? defaultWorkerUrl;
}

export const WORKER_URL_HELP = `URL is the worker's RPC address: --url, else $SEALFARM_WORKER_URL, else the worker of the sealfarm dev farm running from this directory, else ${defaultWorkerUrl}.`;

/**
 * `worker pause|resume`: asks the worker to act on thread `--index N` (the index first, then `params`) with
 * --token, else $SEALFARM_WORKER_TOKEN. True when the worker did it.
 */
export async function callWorkerThread(
  args: ParsedArgs,
  method: "VenusWorker.WorkerPause" | "VenusWorker.WorkerResume",
  params: unknown[] = [],
): Promise<boolean> {
  const index = parseUint(requiredFlag(args, "index", "N"), "--index");
  const ok = await callWorker(workerUrl(flag(args, "url")), method, [index, ...params], {
    token: flag(args, "token") ?? process.env.SEALFARM_WORKER_TOKEN,
  });
  return ok === true;
}
