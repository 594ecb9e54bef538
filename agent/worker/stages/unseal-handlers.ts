// One handler per unseal state (reference §3.6): unseal the piece from the sealed file and cache where they are
// persisted (the store named by PrivateInfo.AccessInstance, read in place), then upload it to every destination
// the manager names and tell it the piece is back.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { sealProofName } from "../../../components/core/proofs/registered-proofs.js";
import type { SectorUnsealInfo } from "../../shared/rpc/index.js";
import { crit, Failure, perm } from "../failure.js";
import type { UnsealEvent, UnsealRecord } from "../planner/sector.js";
import { sectorName } from "../planner/sector.js";
import type { UnsealPlanState } from "../planner/unseal.js";
import { sectorPaths } from "../store/sealing-store.js";
import { allocateSpec, allocateWork, bytes32FromB64, noHandlerFor, proverId, required } from "./sealing-steps.js";
import { callRpc, Interrupted, runStage, type StageDeps } from "./stage-deps.js";
import { parseUploadDest, type UploadDest } from "./upload-dest.js";
import { uploadPiece } from "./upload-piece.js";

/** Where the unsealed piece is written: `data/unsealed/<piece cid>` in the thread's store (damocles' layout). */
export function unsealedPiecePath(dataDir: string, info: SectorUnsealInfo): string {
  return join(dataDir, "unsealed", info.PieceCid["/"]);
}

export async function execUnseal(
  state: UnsealPlanState,
  sector: UnsealRecord,
  deps: StageDeps,
): Promise<UnsealEvent | { kind: "Idle" }> {
  const info = () => required(sector.phases.unsealIn, "phases.unsealIn");

  switch (state) {
    case "Empty": {
      const got = await allocateWork(deps, "AllocateUnsealSector", [allocateSpec(deps)]);
      if (got === null) return { kind: "Idle" };
      return { kind: "AllocatedUnsealSector", info: got };
    }
    case "Allocated": {
      const u = info();
      const id = u.Sector.ID;
      const access = deps.attached.find((a) => a.name === u.PrivateInfo.AccessInstance);
      if (access === undefined)
        throw perm(
          `${sectorName(id)} is persisted in store ${JSON.stringify(u.PrivateInfo.AccessInstance)}, which is not attached here`,
        );
      const src = sectorPaths(access.location, id);
      if (!existsSync(src.sealed) || !existsSync(src.cacheDir))
        throw perm(`${sectorName(id)}: sealed file or cache missing in store ${access.name} (${access.location})`);
      const out = unsealedPiecePath(deps.store.dataDir, u);
      try {
        mkdirSync(join(out, ".."), { recursive: true });
      } catch (e) {
        throw crit(e, `prepare ${join(out, "..")}`);
      }
      const written = await runStage<number>(deps, "unseal", {
        registered_proof: sealProofName(u.Sector.ProofType),
        prover_id: proverId(id.Miner),
        sector_id: id.Number,
        comm_d: u.CommD,
        ticket: bytes32FromB64(u.Ticket.Ticket, "ticket"),
        cache_dir: src.cacheDir,
        sealed_file: src.sealed,
        unsealed_output: out,
        offset: u.Offset,
        num_bytes: u.Size,
      });
      if (written !== u.Size) throw perm(`unseal: wrote ${JSON.stringify(written)} bytes, expected ${u.Size}`);
      return { kind: "UnsealDone", bytes: written };
    }
    case "Unsealed": {
      const u = info();
      const file = unsealedPiecePath(deps.store.dataDir, u);
      if (!existsSync(file)) throw crit(`unsealed piece ${file} is gone`);
      const release = await deps.pool.limiter.acquire("transfer", deps.signal);
      const t0 = Date.now();
      try {
        let urls = await callRpc(deps, "AcquireUnsealDest", [u.Sector.ID, u.PieceCid]);
        if (urls === null || urls.length === 0) urls = u.Dest ?? [];
        if (urls.length === 0) throw perm(`Venus.AcquireUnsealDest: no destination for piece ${u.PieceCid["/"]}`);
        // Every destination is checked before anything is uploaded: a bad one needs a human either way.
        const dests: UploadDest[] = [];
        for (const url of urls) {
          const p = parseUploadDest(url, deps.managerUrl);
          if (!p.ok) throw perm(p.error);
          dests.push(p.dest);
        }
        for (const d of dests) {
          try {
            await uploadPiece(file, d, {
              managerToken: deps.managerToken,
              managerTls: deps.managerTls,
              attached: deps.attached,
              signal: deps.signal,
            });
          } catch (e) {
            if (deps.signal.aborted) throw new Interrupted("interrupted while uploading the unsealed piece");
            throw e;
          }
        }
      } catch (e) {
        if (e instanceof Failure || e instanceof Interrupted) throw e;
        throw perm(e, "upload unsealed piece");
      } finally {
        release();
      }
      deps.onStageDone("transfer", Date.now() - t0);
      await callRpc(deps, "AchieveUnsealSector", [u.Sector.ID, u.PieceCid, ""]);
      return { kind: "UploadPieceDone" };
    }
    default:
      throw noHandlerFor(state);
  }
}
