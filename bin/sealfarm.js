#!/usr/bin/env node
// The `sealfarm` command. The code is TypeScript run through tsx's loader, so a release needs no build step
// beyond `npm ci` (which also builds native/).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../agent/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
