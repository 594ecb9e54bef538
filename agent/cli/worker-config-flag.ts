// The worker config a `sealfarm worker …` command names with --config, loaded as `worker run` would load it. A
// config the worker would refuse is the command's answer, not a crash: the caller reports the ConfigError.
import { resolve } from "node:path";
import { ConfigError } from "../../components/core/config/config-error.js";
import { type LoadedConfig, loadWorkerConfig } from "../worker/config/load-worker-config.js";
import { defaultProofsBin } from "../worker/default-bin.js";
import { type ParsedArgs, requiredFlag } from "./cli-args.js";

/** The loaded --config file, or undefined after `report` was given the ConfigError that refused it. */
export function loadWorkerConfigFlag(
  args: ParsedArgs,
  report: (error: ConfigError, file: string) => void,
  defaultBin: string = defaultProofsBin(),
): LoadedConfig | undefined {
  const file = resolve(requiredFlag(args, "config", "FILE"));
  try {
    return loadWorkerConfig(file, { defaultBin });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    report(e, file);
    return undefined;
  }
}
