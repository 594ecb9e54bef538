// `npm run bench:cli`: how long the `sealfarm` command takes to start, as a ratio to `node -e 0` measured in the
// same run (the floor any node program pays). Runs `sealfarm --version` and `sealfarm plan --class …` as real child
// processes, interleaved with the baseline so a load change on the machine hits every row alike; REPS repetitions
// each (default 11), median. Goal: ≤ 3× for both. Not a test: it asserts nothing.
//
//   REPS=21 npm run bench:cli
//   SEALFARM_BIN=/path/to/other/bin/sealfarm.js npm run bench:cli
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { renderStartupRows, startupRows } from "./startup-stats.js";

const REPS = Number(process.env.REPS ?? 11);
const GOAL = 3;
const repo = fileURLToPath(new URL("../../", import.meta.url));
// SEALFARM_BIN measures another launcher (for example an older checkout's, for a before/after comparison).
const bin = process.env.SEALFARM_BIN ?? fileURLToPath(new URL("../../bin/sealfarm.js", import.meta.url));

const commands: [label: string, args: string[]][] = [
  ["node -e 0", ["-e", "0"]],
  ["sealfarm --version", [bin, "--version"]],
  [
    "sealfarm plan --class stacks/classes/epyc-2gpu.yaml",
    [bin, "plan", "--class", "stacks/classes/epyc-2gpu.yaml", "--sector-size", "32GiB"],
  ],
];

function timeOnce(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr.toString().trim()}`);
  return ms;
}

const samples = new Map<string, number[]>(commands.map(([label]) => [label, []]));
for (const [, args] of commands) timeOnce(args); // warm the page cache; not counted
for (let i = 0; i < REPS; i++) for (const [label, args] of commands) samples.get(label)?.push(timeOnce(args));

console.log(
  `${bin}: start-up, median of ${REPS} runs each (${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(2)}):`,
);
console.log(renderStartupRows(startupRows("node -e 0", samples), GOAL));
