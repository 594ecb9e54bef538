// One handler per rebuild state (reference §3.5): the sealer's steps with the manager's ticket and pieces, a C1
// check with seed := ticket instead of any chain message, then persist and SubmitPersistedEx.
import { abort } from "../failure.js";
import type { RebuildState } from "../planner/rebuild.js";
import type { RebuildEvent, RebuildRecord } from "../planner/sector.js";
import {
  addPieces,
  allocateSpec,
  allocateWork,
  buildTreeD,
  bytes32FromB64,
  noHandlerFor,
  persistSealed,
  required,
  runC1,
  runPc1,
  runPc2,
  submitPersisted,
} from "./sealing-steps.js";
import type { StageDeps } from "./stage-deps.js";

export async function execRebuild(
  state: RebuildState,
  sector: RebuildRecord,
  deps: StageDeps,
): Promise<RebuildEvent | { kind: "Idle" }> {
  const alloc = () => required(sector.allocated, "allocated");
  const ticket = () => required(sector.phases.ticket, "phases.ticket");
  const pieces = () => required(sector.phases.pieces, "phases.pieces");

  switch (state) {
    case "Empty": {
      const got = await allocateWork(deps, "AllocateRebuildSector", [allocateSpec(deps)]);
      if (got === null) return { kind: "Idle" };
      deps.store.prepare(got.Sector.ID);
      return { kind: "AllocatedRebuildSector", info: got };
    }
    case "Allocated": {
      if (sector.phases.rebuildIn?.IsSnapUp === true)
        throw abort("rebuilding a snap-upgraded sector is not supported by this worker (no snap_encode)");
      // The original pieces, pledge pieces as pledge; none (CC) gives the same all-pledge staged file.
      return { kind: "AddPiece", pieces: await addPieces(deps, alloc(), sector.deals) };
    }
    case "PieceAdded":
      await buildTreeD(deps, alloc(), sector.deals);
      return { kind: "BuildTreeD" };
    case "TreeDBuilt":
      // The stored ticket, never a fresh one: the same ticket gives the same replica.
      return { kind: "PC1", out: await runPc1(deps, alloc(), ticket(), pieces()) };
    case "PC1Done":
      return { kind: "PC2", out: await runPc2(deps, alloc(), required(sector.phases.pc1out, "phases.pc1out")) };
    case "PC2Done": {
      // damocles' CheckSealed: C1 with seed := ticket proves the rebuilt files are consistent with comm_r.
      const t = ticket();
      await runC1(
        deps,
        alloc(),
        required(sector.phases.pc2out, "phases.pc2out"),
        t,
        bytes32FromB64(t.Ticket, "ticket"),
        pieces(),
      );
      return { kind: "CheckSealed" };
    }
    case "SealedChecked":
      return { kind: "SkipSnap" };
    case "SnapDone":
      return { kind: "Persist", instance: await persistSealed(deps, alloc()) };
    case "Persisted":
      await submitPersisted(deps, alloc(), required(sector.phases.persistInstance, "phases.persistInstance"));
      return { kind: "SubmitPersistance" };
    default:
      throw noHandlerFor(state);
  }
}
