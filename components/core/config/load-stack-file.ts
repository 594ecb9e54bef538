// Reading a farm straight from a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`), for `sealfarm` commands and
// tests that run without the Pulumi engine. The Pulumi program itself gets the same object from
// `config.requireObject("farm")` and calls loadFarmConfig directly.
import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error.js";
import { parseYaml } from "./load-class.js";
import { FARM_CONFIG_KEY, type FarmConfig, type LoadFarmOptions, loadFarmConfig } from "./load-farm.js";

export function loadFarmStackFile(file: string, options: LoadFarmOptions = {}): FarmConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([
      {
        file,
        pointer: "",
        expected: "a readable stack YAML file",
        got: (error as NodeJS.ErrnoException).code ?? String(error),
      },
    ]);
  }
  const doc = parseYaml(text, file) as { config?: Record<string, unknown> } | null;
  const key = options.configKey ?? FARM_CONFIG_KEY;
  const value = doc?.config?.[key];
  if (value === undefined) {
    throw new ConfigError([
      { file, pointer: `config/${key}`, expected: `the farm object under config: ${key}:`, got: "nothing" },
    ]);
  }
  return loadFarmConfig(value, file, { ...options, configKey: key });
}
