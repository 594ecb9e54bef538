// Text tables for the CLI. Pure: wire values in, text out.
import { sealProofInfo } from "../../components/core/proofs/registered-proofs.js";
import { formatFil } from "../manager/chain/filecoin/big-int.js";
import type {
  ChainMessageView,
  SectorDetail,
  SectorStateView,
  UnsealTaskView,
  WorkerPingInfo,
} from "../shared/rpc/venus-types.js";

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join("\n");
}

function stateText(s: SectorStateView): string {
  const rebuild = s.Rebuild === "queued" ? " (rebuild queued)" : s.Rebuild === "running" ? " (rebuilding)" : "";
  return s.State + (s.Finalized ? " (finalized)" : "") + rebuild;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

export function renderSectorList(sectors: SectorStateView[]): string {
  if (sectors.length === 0) return "no sectors";
  return table(
    ["SECTOR", "STATE", "WORKER STATE", "WORKER", "DEALS", "UPDATED", "LAST FAILURE"],
    sectors.map((s) => [
      `s-t0${s.ID.Miner}-${s.ID.Number}`,
      stateText(s),
      s.LatestState ?? "-",
      s.Worker ?? "-",
      String(s.Deals),
      iso(s.UpdatedAt),
      (s.AbortReason ? `aborted: ${s.AbortReason}` : (s.LastFailure ?? "")).slice(0, 80),
    ]),
  );
}

export function renderSectorDetail(d: SectorDetail): string {
  const s = d.Sector;
  const lines = [
    `sector      s-t0${s.ID.Miner}-${s.ID.Number}`,
    `proof       ${sealProofInfo(s.ProofType)?.name ?? s.ProofType}`,
    `state       ${stateText(s)}`,
    `worker      ${s.Worker ?? "-"}  (last state ${s.LatestState ?? "-"})`,
    `deals       ${s.Deals}`,
    `created     ${iso(s.CreatedAt)}`,
  ];
  if (s.LastFailure) lines.push(`last failure ${s.LastFailure}`);
  if (s.AbortReason) lines.push(`aborted     ${s.AbortReason}`);
  lines.push("", "timeline:");
  if (d.Timeline.length === 0) lines.push("  (no reports yet)");
  else
    lines.push(
      table(
        ["TIME", "WORKER", "LOCATION", "CHANGE", "FAILURE"],
        d.Timeline.map((t) => [
          iso(t.At),
          t.Instance,
          t.Location,
          `${t.Prev} -> ${t.Next}`,
          t.FailureLevel ? `${t.FailureLevel}: ${t.FailureDesc ?? ""}` : "",
        ]),
      )
        .split("\n")
        .map((l) => `  ${l}`)
        .join("\n"),
    );
  return lines.join("\n");
}

export function renderWorkers(workers: WorkerPingInfo[], nowSec: number): string {
  if (workers.length === 0) return "no workers have pinged";
  return table(
    ["NAME", "DEST", "VERSION", "LAST PING", "THREADS", "EMPTY", "RUNNING", "WAITING", "PAUSED", "ERRORS"],
    workers.map((w) => {
      const s = w.Info.Summary;
      return [
        w.Info.Name,
        w.Info.Dest,
        w.Info.Version,
        `${Math.max(0, nowSec - w.LastPing)}s ago`,
        String(s.Threads),
        String(s.Empty),
        String(s.Running),
        String(s.Waiting),
        String(s.Paused),
        String(s.Errors),
      ];
    }),
  );
}

export function renderUnsealTasks(tasks: UnsealTaskView[]): string {
  if (tasks.length === 0) return "no unseal tasks";
  return table(
    ["SECTOR", "PIECE", "OFFSET", "SIZE", "STATE", "UPDATED", "DEST", "ERROR"],
    tasks.map((t) => [
      `s-t0${t.Sector.Miner}-${t.Sector.Number}`,
      t.PieceCid["/"],
      String(t.Offset),
      String(t.Size),
      t.StateName,
      iso(t.UpdatedAt),
      t.Dest.join(" "),
      t.ErrorInfo.slice(0, 80),
    ]),
  );
}

/** `sealfarm messages list`: one row per chain message, newest last. */
export function renderMessageList(messages: ChainMessageView[]): string {
  if (messages.length === 0) return "no messages";
  return table(
    ["ID", "METHOD", "SECTORS", "STATE", "EXIT", "EPOCH", "MAX FEE", "CID", "NOTE"],
    messages.map((m) => [
      m.Id,
      m.Method,
      m.Sectors.join(","),
      m.State,
      m.ExitCode === null ? "-" : String(m.ExitCode),
      m.Epoch === null ? "-" : String(m.Epoch),
      m.MaxFee === null ? "-" : formatFil(BigInt(m.MaxFee)),
      m.Cid ?? "-",
      (m.Waiting !== null ? `waiting: ${m.Waiting}` : (m.Error ?? "")).slice(0, 80),
    ]),
  );
}
