// What `sealfarm dev` prints: the live view (one line per thread, a progress bar for the farm) and the final
// summary (a table, or one JSON object with --json). Pure: data in, text out.
import { formatDurationMs } from "../../components/core/units/duration.js";
import { renderTable } from "../worker/rpc/render-thread-table.js";
import type { ThreadListEntry } from "../worker/thread/thread-status.js";

export interface DevProgress {
  target: number;
  active: number;
  inProgress: number;
  aborted: number;
  postVerified: number;
  elapsedMs: number;
}

export function progressBar(done: number, total: number, width = 30): string {
  const frac = total <= 0 ? 1 : Math.min(1, done / total);
  const full = Math.round(frac * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}] ${done}/${total}`;
}

export function renderLiveView(threads: readonly ThreadListEntry[], p: DevProgress): string {
  const lines = threads.map((t) => {
    const what = t.plan === "wdpost" ? "PoSt" : `#${t.index}`;
    const sector = t.job_id ?? "-";
    const stage =
      t.thread_state.state === "Paused" ? `PAUSED ${t.last_error ?? ""}` : (t.job_stage ?? t.thread_state.state);
    return `  ${what.padEnd(5)} ${sector.padEnd(14)} ${stage.padEnd(16)} ${String(t.thread_state.elapsed).padStart(4)}s ${t.thread_state.state}`;
  });
  const post = p.postVerified > 0 ? `WindowPoSt verified: ${p.postVerified}` : "WindowPoSt: waiting";
  return [
    `sealfarm dev ${progressBar(p.active, p.target)} sectors Active  (${p.inProgress} sealing, ${p.aborted} aborted)  ${post}  ${formatDurationMs(p.elapsedMs)}`,
    ...lines,
  ].join("\n");
}

export interface DevSummary {
  ok: boolean;
  sectorSize: string;
  sectorsTarget: number;
  sectorsActive: number;
  sectorsAborted: number;
  /** Active sectors that carry a deal piece (the imported deal). */
  dealsSealed: number;
  proveCommitsVerified: number;
  windowPostsVerified: number;
  /** With --snapup: sectors upgraded with the deal, and WindowPoSts verified over an upgraded sector. */
  snapup?: { upgraded: number; upgradedPostsVerified: number };
  elapsedSeconds: number;
  /** Per processor stage: tasks run in this session and their mean duration. */
  stages: Record<string, { count: number; meanSeconds: number; totalSeconds: number }>;
  problem: string | null;
}

export function renderSummary(s: DevSummary): string {
  const order = ["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2", "transfer", "window_post"];
  const names = [
    ...order.filter((n) => n in s.stages),
    ...Object.keys(s.stages)
      .filter((n) => !order.includes(n))
      .sort(),
  ];
  const stageTable = renderTable(
    ["stage", "tasks", "mean", "total"],
    names.map((n) => {
      const v = s.stages[n] as DevSummary["stages"][string];
      return [n, String(v.count), formatDurationMs(v.meanSeconds * 1000), formatDurationMs(v.totalSeconds * 1000)];
    }),
  );
  return [
    "",
    renderTable(
      ["", ""],
      [
        ["sector size", s.sectorSize],
        ["sectors Active", `${s.sectorsActive}/${s.sectorsTarget}`],
        ["sectors aborted", String(s.sectorsAborted)],
        ["sectors with a deal", String(s.dealsSealed)],
        ["seal proofs verified", String(s.proveCommitsVerified)],
        ["WindowPoSts verified", String(s.windowPostsVerified)],
        ...(s.snapup === undefined
          ? []
          : [
              ["sectors upgraded (SnapUp)", String(s.snapup.upgraded)],
              ["WindowPoSts over an upgrade", String(s.snapup.upgradedPostsVerified)],
            ]),
        ["elapsed", formatDurationMs(s.elapsedSeconds * 1000)],
      ],
    )
      .split("\n")
      .slice(1)
      .join("\n"),
    "",
    stageTable,
    "",
    s.ok ? "ok: every sector is Active and a WindowPoSt verified" : `not done: ${s.problem ?? "unknown"}`,
  ].join("\n");
}

/** The last line of every dev run that did not keep its farm; `cli` as in KeptFarm. */
export function keepHint(cli: string): string {
  return `To explore the farm afterwards (sectors list/show, workers, /metrics), run ${cli} dev --keep: the manager and worker keep running until Ctrl-C.`;
}

export interface KeptFarm {
  /** How to run this sealfarm from the user's directory: "sealfarm" or "node bin/sealfarm.js". */
  cli: string;
  managerUrl: string;
  workerUrl: string;
  miner: number;
  /** An Active sector to show. */
  sector: number;
  /** True when dev's directory is ./.sealfarm/dev of the user's directory, so the CLI finds the farm unaided. */
  discoverable: boolean;
}

/** What `sealfarm dev --keep` prints once the proofs verified: commands that work against the running farm. */
export function renderKeptFarm(k: KeptFarm): string {
  const mgr = k.discoverable ? "" : ` --url ${k.managerUrl}`;
  const wkr = k.discoverable ? "" : ` --url ${k.workerUrl}`;
  const commands: [string, string][] = [
    [`${k.cli} sectors list${mgr}`, "every sector, its state and worker"],
    [`${k.cli} sectors show ${k.miner} ${k.sector}${mgr}`, "one sector and its timeline"],
    [`${k.cli} workers list${mgr}`, "the workers the manager knows"],
    [`${k.cli} worker list${wkr}`, "the worker's threads"],
    [`curl -s ${k.managerUrl}/metrics`, "the manager's metrics"],
    [`curl -s ${k.workerUrl}/metrics`, "the worker's metrics"],
  ];
  const width = Math.max(...commands.map(([c]) => c.length));
  return [
    "",
    `The farm keeps running until Ctrl-C. Try, ${k.discoverable ? "from this directory" : "from any directory"}, in another terminal:`,
    ...commands.map(([c, what]) => `  ${c.padEnd(width)}  # ${what}`),
  ].join("\n");
}
