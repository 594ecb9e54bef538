// Reading a farm straight from a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`), for `sealfarm` commands and
// tests that run without the Pulumi engine. The Pulumi program itself gets the same object from
// `config.requireObject("farm")` and calls loadFarmConfig directly.
import { ConfigError } from "./config-error.js";
import { parseYaml } from "./load-class.js";
import { FARM_CONFIG_KEY, type FarmConfig, type LoadFarmOptions, loadFarmConfig } from "./load-farm.js";
import { readConfigText } from "./read-config-text.js";

export function loadFarmStackFile(file: string, options: LoadFarmOptions = {}): FarmConfig {
  const doc = parseYaml(readConfigText(file, "stack YAML file"), file) as { config?: Record<string, unknown> } | null;
  const key = options.configKey ?? FARM_CONFIG_KEY;
  const value = doc?.config?.[key];
  if (value === undefined) {
    throw new ConfigError([
      { file, pointer: `config/${key}`, expected: `the farm object under config: ${key}:`, got: "nothing" },
    ]);
  }
  return loadFarmConfig(value, file, { ...options, configKey: key });
}
