// Rows → the CLI-facing wire shapes of ListSectors and FindSector. Pure.
import type { SectorStateView, SectorTimelineEntry } from "../../shared/rpc/venus-types.js";
import type { SectorsTable, TimelineTable } from "../db/tables/sectors.table.js";

export function sectorView(r: SectorsTable, deals: number): SectorStateView {
  const state = r.aborted ? "Aborted" : r.state === "Active" && r.faulty ? "Faulty" : r.state;
  return {
    ID: { Miner: r.miner, Number: r.number },
    ProofType: r.proof_type,
    State: state,
    Worker: r.worker,
    LatestState: r.latest_state,
    LastFailure: r.last_failure ?? (r.proof_desc || r.pc_desc || null),
    Finalized: r.finalized === 1,
    AbortReason: r.abort_reason,
    Deals: deals,
    CreatedAt: r.created_at,
    UpdatedAt: r.updated_at,
    ...(r.rebuild_state === "none" ? {} : { Rebuild: r.rebuild_state }),
  };
}

export function timelineEntry(t: TimelineTable): SectorTimelineEntry {
  return {
    At: t.at,
    Instance: t.instance,
    Location: t.location,
    Prev: t.prev,
    Next: t.next,
    Event: t.event,
    FailureLevel: t.failure_level,
    FailureDesc: t.failure_desc,
  };
}
