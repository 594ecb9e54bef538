// `sealfarm dev` never mixes farms: the state directory records the options its farm was made with
// (<root>/dev-options.json), and a run with other options stops and says what differs, instead of continuing the
// old farm under new labels (an 8MiB run reporting "Active 4/2" on a 2KiB farm). Stopping, rather than a directory
// per option set, because an operator names one directory (--dir, default ./.sealfarm/dev) and expects the next
// `sealfarm sectors list` there to show the farm they just asked for; `--fresh` starts over, `--dir` keeps both.
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseSectorSize, sectorSizeName } from "../../components/core/proofs/registered-proofs.js";
import { readFileIfExists, writeFileAtomic } from "../shared/atomic-file.js";

export const DEV_RECORD = "dev-options.json";

/** The options that make a dev farm what it is. Ports are not among them: they are chosen per run. */
export interface DevFarmOptions {
  sectorSize: string;
  sectors: number;
  threads: number;
  /** A SnapUp farm seals CC sectors and upgrades one; an older record without it was made without. */
  snapup?: boolean;
}

const LABELS: Record<keyof DevFarmOptions, string> = {
  sectorSize: "sector size",
  sectors: "sectors",
  threads: "threads",
  snapup: "snapup",
};

/** Same farm, same record: "8mib" and "8MiB" are one size. */
export function normalizeDevOptions(o: DevFarmOptions): DevFarmOptions {
  return {
    sectorSize: sectorSizeName(parseSectorSize(o.sectorSize)),
    sectors: o.sectors,
    threads: o.threads,
    snapup: o.snapup === true,
  };
}

/** One line per option that differs: "sector size: 2KiB in this farm, 8MiB asked". Pure. */
export function diffDevOptions(recorded: DevFarmOptions, asked: DevFarmOptions): string[] {
  const keys = Object.keys(LABELS) as (keyof DevFarmOptions)[];
  return keys
    .filter((k) => (recorded[k] ?? false) !== (asked[k] ?? false))
    .map((k) => `${LABELS[k]}: ${recorded[k] ?? false} in this farm, ${asked[k] ?? false} asked`);
}

export function devFlags(o: DevFarmOptions): string {
  return `--sector-size ${o.sectorSize} --sectors ${o.sectors} --threads ${o.threads}${o.snapup === true ? " --snapup" : ""}`;
}

/**
 * The message for a run whose options are not the farm's. `dev` is how the user runs dev on this directory
 * ("sealfarm dev", "node bin/sealfarm.js dev --dir X"). Pure.
 */
export function renderMismatch(
  root: string,
  recorded: DevFarmOptions | undefined,
  asked: DevFarmOptions,
  dev = "sealfarm dev",
): string {
  const what =
    recorded === undefined
      ? [`  it was made by an older sealfarm dev that did not record its options (no ${DEV_RECORD})`]
      : diffDevOptions(recorded, asked).map((l) => `  ${l}`);
  return [
    `sealfarm dev: ${root} holds another farm:`,
    ...what,
    ...(recorded === undefined ? [] : [`Continue that farm: ${dev} ${devFlags(recorded)}`]),
    `Start over with these options (deletes ${root}): ${dev} --fresh ${devFlags(asked)}`,
    "Keep both: add --dir DIR to give this farm its own directory.",
  ].join("\n");
}

export function parseDevRecord(file: string, text: string): DevFarmOptions {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const d = data as Partial<Record<keyof DevFarmOptions, unknown>>;
  if (typeof d?.sectorSize !== "string")
    throw new Error(`${file}: /sectorSize: expected a sector size, got ${JSON.stringify(d?.sectorSize)}`);
  for (const k of ["sectors", "threads"] as const)
    if (!Number.isInteger(d[k]) || (d[k] as number) < 1)
      throw new Error(`${file}: /${k}: expected an integer ≥ 1, got ${JSON.stringify(d[k])}`);
  if (d.snapup !== undefined && typeof d.snapup !== "boolean")
    throw new Error(`${file}: /snapup: expected true or false, got ${JSON.stringify(d.snapup)}`);
  return {
    sectorSize: d.sectorSize,
    sectors: d.sectors as number,
    threads: d.threads as number,
    snapup: d.snapup === true,
  };
}

/** A directory `sealfarm dev` made: it has the record, or the manager.toml dev writes (farms from before records). */
function isDevDirectory(root: string): boolean {
  return existsSync(join(root, DEV_RECORD)) || existsSync(join(root, "manager", "manager.toml"));
}

export type DevDirVerdict = { ok: true; continuing: boolean } | { ok: false; message: string };

/**
 * Before a dev run: with `fresh`, deletes the farm in `root` (only a directory dev made, never anything else);
 * then records the options in a new directory, continues a farm made with the same options, or refuses another.
 */
export function prepareDevDirectory(
  root: string,
  asked: DevFarmOptions,
  fresh: boolean,
  dev = "sealfarm dev",
): DevDirVerdict {
  const want = normalizeDevOptions(asked);
  if (fresh && existsSync(root) && readdirSync(root).length > 0) {
    if (!isDevDirectory(root))
      return {
        ok: false,
        message: `sealfarm dev --fresh: ${root} is not a sealfarm dev directory (no ${DEV_RECORD}); not deleting it`,
      };
    rmSync(root, { recursive: true, force: true });
  }
  const file = join(root, DEV_RECORD);
  const text = readFileIfExists(file);
  if (text === undefined) {
    if (existsSync(root) && isDevDirectory(root))
      return { ok: false, message: renderMismatch(root, undefined, want, dev) };
    mkdirSync(root, { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(want, null, 2)}\n`);
    return { ok: true, continuing: false };
  }
  const recorded = normalizeDevOptions(parseDevRecord(file, text));
  if (diffDevOptions(recorded, want).length > 0)
    return { ok: false, message: renderMismatch(root, recorded, want, dev) };
  return { ok: true, continuing: true };
}
