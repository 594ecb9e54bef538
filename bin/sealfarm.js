#!/usr/bin/env node
// The `sealfarm` command. It runs the compiled JavaScript in .build/ (`npm run build`, also run by `npm install`);
// nothing is compiled at run time. Stack traces name the .ts files through the source maps.
import { existsSync } from "node:fs";

const entry = new URL("../.build/agent/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`sealfarm: ${entry.pathname} not found: run \`npm run build\` (npm install runs it too)\n`);
  process.exit(1);
}
process.setSourceMapsEnabled(true);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
