// `npm run bench:native`: sealfarm-proofs throughput, each figure as a ratio against the raw single-core SHA-256
// compression rate measured in the same run (not a test; nothing here passes or fails). Rates are per CPU second of
// the measuring thread, because the development machines are shared and wall-clock rates swing with other load.
//
//   npm run bench:native            SHA-256, CommP, PC1 for 8 MiB, Poseidon
//   npm run bench:native -- --large adds PC1 for 512 MiB (about a minute for the parent cache plus ~1 min of labels)
//
// Each line comes from `sealfarm-proofs bench <name>` as one JSON object; adding a figure is one entry in `runs`
// plus one `report` case.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Line = Record<string, string | number | boolean>;

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "native", "target", "release", "sealfarm-proofs");

/** Runs one `bench` subcommand and parses its JSON lines. */
export function bench(args: readonly string[]): Line[] {
  const res = spawnSync(bin, ["bench", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (res.error) throw new Error(`${bin} bench ${args.join(" ")}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${bin} bench ${args.join(" ")}: exit status ${res.status}`);
  return res.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Line);
}

const num = (l: Line, k: string): number => {
  const v = l[k];
  if (typeof v !== "number") throw new Error(`bench line ${JSON.stringify(l)}: field ${k} is not a number`);
  return v;
};
const fmt = (x: number): string =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1);

function main(): void {
  if (!existsSync(bin)) {
    console.error(`${bin} not found: run \`npm run build:native\` first`);
    process.exit(1);
  }
  const large = process.argv.includes("--large");
  const runs: string[][] = [["sha256"], ["commp"], ["pc1", "StackedDrg8MiBV1_1"]];
  if (large) runs.push(["pc1", "StackedDrg512MiBV1_1"]);
  runs.push(["poseidon"]);
  // native II: PC2 times its own PC1 (labels) in the same run, so the ratio needs no other line
  runs.push(["pc2", "StackedDrg8MiBV1_1"]);
  if (large) runs.push(["pc2", "StackedDrg512MiBV1_1"]);

  let raw = 0;
  for (const args of runs) {
    for (const l of bench(args)) {
      switch (l.bench) {
        case "sha256":
          raw = num(l, "compressions_per_sec");
          console.log(
            `sha256      ${fmt(raw)} compressions/s on one core (${l.sha_ni ? "SHA-NI" : "portable"}); ` +
              `portable ${fmt(num(l, "portable_compressions_per_sec"))}/s = ${(num(l, "portable_compressions_per_sec") / raw).toFixed(2)} x`,
          );
          break;
        case "commp":
          console.log(
            `commp       ${fmt(num(l, "bytes_per_sec"))}B/s unpadded, ${fmt(num(l, "compressions_per_sec"))} compressions/s = ` +
              `${(num(l, "compressions_per_sec") / raw).toFixed(2)} x raw`,
          );
          break;
        case "pc1": {
          // The binary measures the raw rate again right before the labels; that figure is the fair reference.
          const rate = num(l, "labels_per_sec");
          const rawHere = num(l, "raw_compressions_per_sec");
          // With the producer thread (threads 2) the CPU rate counts only the hashing thread, so the wall-clock
          // ratio is printed too: it is the one that says how close one sector's chain runs to one SHA-NI stream.
          const wall = num(l, "wall_labels_per_sec");
          console.log(
            `pc1 ${String(l.proof).padEnd(22)} ${fmt(rate)} labels/CPU-s, ${fmt(wall)}/wall-s ` +
              `(${num(l, "labels")} labels in ${num(l, "seconds")} s on ${num(l, "threads")} thread(s); ` +
              `parent cache ${l.parent_cache} in ${num(l, "parent_cache_seconds")} s): label rate x 20 / raw = ` +
              `${((rate * 20) / rawHere).toFixed(3)} per hashing-thread CPU-s, ${((wall * 20) / rawHere).toFixed(3)} ` +
              `per wall-s (raw ${fmt(rawHere)}/s just before)`,
          );
          break;
        }
        case "poseidon":
          console.log(
            `poseidon    arity ${String(l.arity).padStart(2)}: ${fmt(num(l, "hashes_per_sec"))} hashes/s ` +
              `(plain ${fmt(num(l, "plain_hashes_per_sec"))}/s); one hash = ${(raw / num(l, "hashes_per_sec")).toFixed(1)} SHA-256 compressions`,
          );
          break;
        case "pc2":
          console.log(
            `pc2 ${String(l.proof).padEnd(22)} ${num(l, "pc2_seconds")} s on ${num(l, "threads")} threads, ` +
              `PC1 of the same sector ${num(l, "pc1_seconds")} s: PC2 / PC1 = ${num(l, "pc2_over_pc1").toFixed(2)} x`,
          );
          break;
        default:
          console.log(JSON.stringify(l));
      }
    }
  }
  if (!large) console.log("(PC1 for 512 MiB: npm run bench:native -- --large)");
}

main();
