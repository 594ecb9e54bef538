// One handler per sealer state (reference §3.3): the I/O for that state, returning the event for the table. The
// steps the rebuild plan shares (add_pieces … persist) live in `sealing-steps.ts`.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { OnChainState, type SectorID, SubmitResult, toBase64 } from "../../shared/rpc/index.js";
import { abort, perm, temp } from "../failure.js";
import type { SealerState } from "../planner/sealer.js";
import type { SealerEvent, SectorRecord } from "../planner/sector.js";
import {
  addPieces,
  allocateSpec,
  allocateWork,
  buildTreeD,
  bytes32FromB64,
  noHandlerFor,
  persistSealed,
  proverId,
  required,
  runC1,
  runPc1,
  runPc2,
  submitPersisted,
} from "./sealing-steps.js";
import { callRpc, runStage, type StageDeps } from "./stage-deps.js";

export type HandlerResult = SealerEvent | { kind: "Idle" };

export async function execSealer(state: SealerState, sector: SectorRecord, deps: StageDeps): Promise<HandlerResult> {
  const o = deps.options;
  const alloc = () => required(sector.allocated, "allocated");
  const paths = () => deps.store.paths(alloc().ID);
  const pieces = () => required(sector.phases.pieces, "phases.pieces");
  const ticket = () => required(sector.phases.ticket, "phases.ticket");

  switch (state) {
    case "Empty": {
      const got = await allocateWork(deps, "AllocateSector", [allocateSpec(deps)]);
      if (got === null) return { kind: "Idle" };
      deps.store.prepare(got.ID);
      return { kind: "Allocate", sector: got };
    }
    case "Allocated": {
      if (!o.enableDeals) {
        if (o.disableCc) return { kind: "Idle" };
        return { kind: "AcquireDeals", deals: null };
      }
      const deals = await callRpc(deps, "AcquireDeals", [
        alloc().ID,
        { MaxDeals: o.maxDeals ?? null, MinUsedSpace: o.minDealSpace ?? null },
      ]);
      if ((deals === null || deals.length === 0) && o.disableCc) return { kind: "Idle" };
      return { kind: "AcquireDeals", deals: deals ?? null };
    }
    case "DealsAcquired":
      return { kind: "AddPiece", pieces: await addPieces(deps, alloc(), sector.deals) };
    case "PieceAdded":
      await buildTreeD(deps, alloc(), sector.deals);
      return { kind: "BuildTreeD" };
    case "TreeDBuilt":
      return { kind: "AssignTicket", ticket: null };
    case "TicketAssigned": {
      const t = sector.phases.ticket ?? (await callRpc(deps, "AssignTicket", [alloc().ID]));
      const out = await runPc1(deps, alloc(), t, pieces());
      return { kind: "PC1", ticket: t, out };
    }
    case "PC1Done": {
      const out = await runPc2(deps, alloc(), required(sector.phases.pc1out, "phases.pc1out"));
      // Self-check (damocles v0.10): a C1 with an all-zero seed must succeed on what PC2 just wrote.
      if (o.verifyAfterPc2) await runC1(deps, alloc(), out, ticket(), new Array<number>(32).fill(0), pieces());
      return { kind: "PC2", out };
    }
    case "PC2Done": {
      const out = required(sector.phases.pc2out, "phases.pc2out");
      const res = await callRpc(deps, "SubmitPreCommit", [
        alloc(),
        { CommR: out.comm_r, CommD: out.comm_d, Ticket: ticket() },
        sector.phases.pc2ReSubmit,
      ]);
      return submitOutcome("SubmitPreCommit", res.Res, res.Desc, { kind: "SubmitPC" });
    }
    case "PCSubmitted":
      return pollUntilSettled(deps, "PollPreCommitState", alloc().ID, { kind: "CheckPC" }, { kind: "ReSubmitPC" });
    case "PCLanded":
      return { kind: "Persist", instance: await persistSealed(deps, alloc()) };
    case "Persisted":
      await submitPersisted(deps, alloc(), required(sector.phases.persistInstance, "phases.persistInstance"));
      return { kind: "SubmitPersistance" };
    case "PersistanceSubmitted": {
      for (;;) {
        const r = await callRpc(deps, "WaitSeed", [alloc().ID, alloc().ProofType]);
        if (r.Seed !== null) return { kind: "AssignSeed", seed: r.Seed };
        if (!r.ShouldWait || r.Delay <= 0) throw temp(`Venus.WaitSeed: no seed and nothing to wait for`);
        await deps.sleep(r.Delay * 1000);
      }
    }
    case "SeedAssigned": {
      const pc2 = required(sector.phases.pc2out, "phases.pc2out");
      const t = ticket();
      const seed = bytes32FromB64(required(sector.phases.seed, "phases.seed").Seed, "seed");
      const out = await runC1(deps, alloc(), pc2, t, seed, pieces());
      return { kind: "C1", out };
    }
    case "C1Done": {
      const id = alloc().ID;
      const out = await runStage<{ proof: number[] }>(deps, "c2", {
        c1out: required(sector.phases.c1out, "phases.c1out"),
        prover_id: proverId(id.Miner),
        sector_id: id.Number,
        miner_id: id.Miner,
      });
      if (!Array.isArray(out?.proof)) throw perm("c2: output has no proof byte array");
      return { kind: "C2", out };
    }
    case "C2Done": {
      const proof = required(sector.phases.c2out, "phases.c2out").proof;
      const res = await callRpc(deps, "SubmitProof", [
        alloc().ID,
        { Proof: toBase64(Uint8Array.from(proof)) },
        sector.phases.c2ReSubmit,
      ]);
      return submitOutcome("SubmitProof", res.Res, res.Desc, { kind: "SubmitProof" });
    }
    case "ProofSubmitted": {
      if (!o.ignoreProofCheck) {
        const next = await pollUntilSettled(
          deps,
          "PollProofState",
          alloc().ID,
          { kind: "Finish" },
          { kind: "ReSubmitProof" },
        );
        if (next.kind === "ReSubmitProof") return next;
      }
      try {
        // clear_cache: the layers and tree_c are not needed once the proof landed; the persisted copy is complete.
        const p = paths();
        if (existsSync(p.cacheDir))
          for (const f of readdirSync(p.cacheDir))
            if (f.startsWith("sc-02-data-layer") || f.startsWith("sc-02-data-tree-c"))
              rmSync(join(p.cacheDir, f), { force: true });
      } catch (e) {
        throw temp(e, "clear cache");
      }
      return { kind: "Finish" };
    }
    default:
      throw noHandlerFor(state);
  }
}

function submitOutcome(method: string, res: number, desc: string | null, ok: SealerEvent): SealerEvent {
  const why = `Venus.${method}: ${desc ?? ""}`.trim();
  switch (res) {
    case SubmitResult.Accepted:
    case SubmitResult.DuplicateSubmit:
      return ok;
    case SubmitResult.MismatchedSubmission:
      throw perm(`${why} (mismatched submission)`);
    case SubmitResult.Rejected:
      throw abort(`${why} (rejected)`);
    case SubmitResult.FilesMissed:
      throw perm(`${why} (files missed)`);
    default:
      throw temp(`Venus.${method}: unknown submit result ${res}`);
  }
}

/**
 * Polls the message's on-chain state every polling interval until it settles: `landed`, or `resubmit` after a
 * failed message (and a pause, so a resubmission does not hammer the chain), or a Failure for a final state.
 */
async function pollUntilSettled(
  deps: StageDeps,
  method: "PollPreCommitState" | "PollProofState",
  sid: SectorID,
  landed: SealerEvent,
  resubmit: SealerEvent,
): Promise<SealerEvent> {
  for (;;) {
    const r = await callRpc(deps, method, [sid]);
    const why = `Venus.${method}: ${r.Desc ?? ""}`.trim();
    switch (r.State) {
      case OnChainState.Pending:
      case OnChainState.Packed:
        await deps.sleep(deps.options.rpcPollingIntervalMs);
        continue;
      case OnChainState.Landed:
        return landed;
      case OnChainState.Failed:
        await deps.sleep(Math.min(30_000, deps.options.rpcPollingIntervalMs * 10));
        return resubmit;
      case OnChainState.NotFound:
        throw perm(`${why} (not found)`);
      case OnChainState.PermFailed:
        throw perm(`${why} (permanently failed)`);
      case OnChainState.ShouldAbort:
        throw abort(`${why} (should abort)`);
      default:
        throw temp(`Venus.${method}: unknown on-chain state ${r.State}`);
    }
  }
}
