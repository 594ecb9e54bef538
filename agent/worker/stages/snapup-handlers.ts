// One handler per snapup state (reference §3.4, damocles `planner/snapup.rs`): take a proving CC sector with deals,
// add the pieces and build their tree_d, bring the old replica from the store it is persisted in (links allowed:
// it is only read), encode the new data into an update replica, prove and verify the update, persist the update
// files, and submit. The manager then switches the sector to its new comm_r.
import { mkdirSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sectorSizeOfSealProof, updateProofName } from "../../../components/core/proofs/registered-proofs.js";
import { SubmitResult } from "../../shared/rpc/index.js";
import { abort, crit, perm, temp } from "../failure.js";
import type { SnapEncodeOutput, SnapUpEvent, SnapUpRecord } from "../planner/sector.js";
import { sectorName } from "../planner/sector.js";
import { type SnapUpState, snapStages } from "../planner/snapup.js";
import { sectorPaths } from "../store/sealing-store.js";
import {
  addPieces,
  allocateSpec,
  allocateWork,
  buildTreeD,
  isPersistedCacheFile,
  noHandlerFor,
  persistSealed,
  required,
} from "./sealing-steps.js";
import { callRpc, runStage, type StageDeps } from "./stage-deps.js";
import { isTransferDone, type TransferRoute, type TransferTask } from "./transfer-task.js";

/**
 * Links the old replica (sealed file and persisted cache files) from the store it lives in into this thread's
 * store: one transfer task with `allow_link: true` when `[[processors.transfer]]` is configured, else symlinks.
 */
async function bringOldReplica(deps: StageDeps, record: SnapUpRecord): Promise<void> {
  const info = required(record.phases.snapIn, "phases.snapIn");
  const id = info.Sector.ID;
  const instance = info.Private.AccessInstance;
  const store = await callRpc(deps, "StoreBasicInfo", [instance]);
  if (store === null) throw perm(`Venus.StoreBasicInfo: the manager does not know store ${JSON.stringify(instance)}`);
  const access = deps.attached.find((a) => a.name === instance);
  if (access === undefined)
    throw perm(`${sectorName(id)} is persisted in store ${JSON.stringify(instance)}, which is not attached here`);
  const from = sectorPaths(access.location, id);
  const to = deps.store.paths(id);
  let cacheFiles: string[];
  try {
    cacheFiles = readdirSync(from.cacheDir).filter(isPersistedCacheFile).sort();
  } catch (e) {
    throw perm(e, `read the old replica's cache ${from.cacheDir} in store ${instance}`);
  }
  if (!cacheFiles.includes("p_aux")) throw perm(`${from.cacheDir} in store ${instance} has no p_aux`);
  const pairs: Array<[string, string]> = [
    [from.sealed, to.sealed],
    ...cacheFiles.map((f): [string, string] => [join(from.cacheDir, f), join(to.cacheDir, f)]),
  ];
  try {
    mkdirSync(to.cacheDir, { recursive: true });
    mkdirSync(join(to.sealed, ".."), { recursive: true });
    for (const [, dest] of pairs) rmSync(dest, { force: true });
  } catch (e) {
    throw crit(e, `prepare ${to.cacheDir}`);
  }
  if (deps.pool.isConfigured("transfer")) {
    const route = ([src, dest]: [string, string]): TransferRoute => ({
      src: { store_name: instance, uri: src },
      dest: { store_name: null, uri: dest },
      opt: { is_dir: false, allow_link: true },
    });
    const task: TransferTask = {
      stores: { [instance]: { name: instance, meta: { ...(store.Meta ?? {}), ...(access.meta ?? {}) } } },
      routes: pairs.map(route),
    };
    const out = await runStage<unknown>(deps, "transfer", task);
    if (!isTransferDone(out))
      throw perm(`link snapup sector files: transfer processor answered ${JSON.stringify(out)}`);
    return;
  }
  try {
    for (const [src, dest] of pairs) symlinkSync(src, dest);
  } catch (e) {
    throw perm(e, `link snapup sector files from store ${instance}`);
  }
}

/** `update/<sid>` allocated to the sector size, a fresh `update-cache/<sid>` with the new data's tree_d linked in. */
function prepareUpdateFiles(deps: StageDeps, record: SnapUpRecord): void {
  const alloc = required(record.allocated, "allocated");
  const p = deps.store.paths(alloc.ID);
  try {
    mkdirSync(join(p.update, ".."), { recursive: true });
    writeFileSync(p.update, "");
    truncateSync(p.update, sectorSizeOfSealProof(alloc.ProofType));
    rmSync(p.updateCache, { recursive: true, force: true });
    mkdirSync(p.updateCache, { recursive: true });
    symlinkSync(p.treeD, join(p.updateCache, "sc-02-data-tree-d.dat"));
  } catch (e) {
    throw perm(e, `prepare ${p.update} and ${p.updateCache}`);
  }
}

export async function execSnapUp(
  state: SnapUpState,
  record: SnapUpRecord,
  deps: StageDeps,
): Promise<SnapUpEvent | { kind: "Idle" }> {
  const alloc = () => required(record.allocated, "allocated");
  const encoded = () => required(record.phases.snapEncodeOut, "phases.snapEncodeOut");
  const oldCommR = () => required(record.phases.snapIn, "phases.snapIn").Public.CommR;

  switch (state) {
    case "Empty": {
      const o = deps.options;
      const got = await allocateWork(deps, "AllocateSanpUpSector", [
        { Sector: allocateSpec(deps), Deals: { MaxDeals: o.maxDeals ?? null, MinUsedSpace: o.minDealSpace ?? null } },
      ]);
      if (got === null) return { kind: "Idle" };
      if (got.Pieces.length === 0) throw abort("AllocateSanpUpSector: deals required, got none");
      if (got.Private.AccessInstance === "") throw abort("AllocateSanpUpSector: access instance required, got empty");
      deps.store.prepare(got.Sector.ID);
      return { kind: "AllocatedSnapUpSector", info: got };
    }
    case "Allocated":
      return { kind: "AddPiece", pieces: await addPieces(deps, alloc(), required(record.deals, "deals")) };
    case "PieceAdded":
      // Never the static CC tree_d: this tree_d is of the new data.
      await buildTreeD(deps, alloc(), record.deals, false);
      return { kind: "BuildTreeD" };
    case "TreeDBuilt": {
      await bringOldReplica(deps, record);
      prepareUpdateFiles(deps, record);
      const a = alloc();
      const p = deps.store.paths(a.ID);
      const out = await runStage<SnapEncodeOutput>(deps, snapStages.encode, {
        registered_proof: updateProofName(a.ProofType),
        new_replica_path: p.update,
        new_cache_path: p.updateCache,
        sector_path: p.sealed,
        sector_cache_path: p.cacheDir,
        staged_data_path: p.staged,
        piece_infos: required(record.phases.pieces, "phases.pieces"),
      });
      return { kind: "SnapEncode", out };
    }
    case "SnapEncoded": {
      const a = alloc();
      const p = deps.store.paths(a.ID);
      const e = encoded();
      const commitments = { comm_r_old: oldCommR(), comm_r_new: e.comm_r_new, comm_d_new: e.comm_d_new };
      const vanilla = await runStage<number[][]>(deps, snapStages.partitionProofs, {
        registered_proof: updateProofName(a.ProofType),
        ...commitments,
        sector_path: p.sealed,
        sector_cache_path: p.cacheDir,
        replica_path: p.update,
        replica_cache_path: p.updateCache,
      });
      const proof = await runStage<number[]>(deps, snapStages.prove, {
        registered_proof: updateProofName(a.ProofType),
        vannilla_proofs: vanilla,
        ...commitments,
      });
      const verdict = await runStage<{ valid: boolean; reason?: string }>(deps, snapStages.verify, {
        registered_proof: updateProofName(a.ProofType),
        proof,
        ...commitments,
      });
      if (verdict?.valid !== true)
        throw perm(`generated an invalid update proof${verdict?.reason === undefined ? "" : `: ${verdict.reason}`}`);
      return { kind: "SnapProve", proof };
    }
    case "SnapProved":
      return { kind: "Persist", instance: await persistSealed(deps, alloc(), "update") };
    case "Persisted": {
      const a = alloc();
      const e = encoded();
      const instance = required(record.phases.persistInstance, "phases.persistInstance");
      const res = await callRpc(deps, "SubmitSnapUpProof", [
        a.ID,
        {
          CommR: e.comm_r_new,
          CommD: e.comm_d_new,
          AccessInstance: instance,
          Pieces: required(record.deals, "deals").map((d) => d.Piece.PieceCID),
          Proof: Buffer.from(required(record.phases.snapProof, "phases.snapProof")).toString("base64"),
        },
      ]);
      switch (res.Res) {
        case SubmitResult.Accepted:
        case SubmitResult.DuplicateSubmit:
          return { kind: "Finish" };
        case SubmitResult.FilesMissed:
          return { kind: "RePersist" };
        case SubmitResult.MismatchedSubmission:
          throw abort(`SubmitSnapUpProof: ${sectorName(a.ID)} does not match an earlier submission: ${res.Desc ?? ""}`);
        case SubmitResult.Rejected:
          throw abort(`SubmitSnapUpProof rejected: ${res.Desc ?? ""}`);
        default:
          throw temp(`SubmitSnapUpProof: unknown result ${JSON.stringify(res.Res)}`);
      }
    }
    default:
      throw noHandlerFor(state);
  }
}
