// `sealfarm worker list` as a table. Pure.
import type { ThreadListEntry } from "../thread/thread-status.js";

export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function renderThreadTable(threads: readonly ThreadListEntry[]): string {
  if (threads.length === 0) return "no threads";
  return renderTable(
    ["#", "plan", "thread", "elapsed", "proc", "sector", "state", "stage", "location", "last error"],
    threads.map((t) => [
      String(t.index),
      t.plan,
      t.thread_state.state,
      `${t.thread_state.elapsed}s`,
      t.thread_state.proc ?? "-",
      t.job_id ?? "-",
      t.job_state ?? "-",
      t.job_stage ?? "-",
      t.location || "-",
      t.last_error ?? "",
    ]),
  );
}
