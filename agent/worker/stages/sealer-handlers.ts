// One handler per sealer state (reference §3.3): the I/O for that state, returning the event for the table.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { abort, crit, Failure, perm, temp } from "../../shared/failure.js";
import { fromBase64, OnChainState, type SectorPieceV2, SubmitResult, toBase64 } from "../../shared/rpc/index.js";
import {
  paddedBytes,
  sealProofName,
  sealProofTypesForSize,
  sectorSizeName,
  sectorSizeOfSealProof,
  toUnpadded,
} from "../../shared/units.js";
import type { SealerState } from "../planner/sealer.js";
import type { Pc2Output, PieceInfo, SealerEvent, SectorRecord } from "../planner/sector.js";
import { sectorName } from "../planner/sector.js";
import { sectorPaths } from "../store/sealing-store.js";
import { callRpc, runStage, type StageDeps } from "./stage-deps.js";

export type HandlerResult = SealerEvent | { kind: "Idle" };

/** prover id = the ID address payload (uvarint of the actor id) zero-padded to 32 bytes. */
export function proverId(actor: number): number[] {
  const out = new Array<number>(32).fill(0);
  let v = actor;
  let i = 0;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out[i++] = b;
  } while (v > 0);
  return out;
}

function bytes32FromB64(text: string, what: string): number[] {
  const b = fromBase64(text);
  if (b === null || b.length !== 32) throw abort(`${what} is not 32 base64 bytes: ${JSON.stringify(text)}`);
  return Array.from(b);
}

function required<T>(value: T | null | undefined, field: string): T {
  // damocles `field_required!`: a field the state needs is missing from the stored sector → Abort.
  if (value === null || value === undefined) throw abort(`field ${field} is required`);
  return value;
}

/** Piece sources for add_pieces: pledge, a local copy from `local_pieces_dirs`, or the manager's piece store. */
export function pieceTasks(
  deals: readonly SectorPieceV2[],
  localDirs: readonly string[],
  managerUrl: string,
  exists: (p: string) => boolean = existsSync,
): Array<{ piece_file: unknown; payload_size: number; piece_size: number }> {
  return deals.map((d) => {
    // Pledge (filler) pieces: DealID 0 for the builtin market, AllocationID 0 for direct data onboarding.
    const pledge = d.DealInfo.IsBuiltinMarket ? d.DealInfo.DealID === 0 : d.DealInfo.AllocationID === 0;
    const size = toUnpadded(paddedBytes(d.Piece.Size));
    if (pledge) return { piece_file: "pledge", payload_size: size, piece_size: size };
    const cid = d.Piece.PieceCID["/"];
    let local: string | undefined;
    for (const dir of localDirs) {
      for (const name of [cid, `${cid}.car`]) {
        if (local === undefined && exists(join(dir, name))) local = join(dir, name);
      }
    }
    return {
      piece_file: local !== undefined ? { local } : { url: `${managerUrl}/piecestore/${cid}` },
      payload_size: d.DealInfo.PayloadSize,
      piece_size: size,
    };
  });
}

/** Bytes to reserve on a persist store: 2× the sector below 32 GiB, 1.02× for 32/64 GiB. */
export function persistReserveBytes(sectorSize: number): number {
  return sectorSize >= 32 * 1024 ** 3 ? Math.ceil(sectorSize * 1.02) : sectorSize * 2;
}

/** Files a persisted sector keeps in its cache dir (lotus' layout). */
export function isPersistedCacheFile(name: string): boolean {
  return name === "p_aux" || name === "t_aux" || /^sc-02-data-tree-r-last(-\d+)?\.dat$/.test(name);
}

function copyAtomic(src: string, dest: string): void {
  const tmp = `${dest}.tmp-${process.pid}`;
  copyFileSync(src, tmp);
  renameSync(tmp, dest);
}

export async function execSealer(state: SealerState, sector: SectorRecord, deps: StageDeps): Promise<HandlerResult> {
  const o = deps.options;
  const alloc = () => required(sector.allocated, "allocated");
  const paths = () => deps.store.paths(alloc().ID);
  const proofName = () => sealProofName(alloc().ProofType);
  const sectorSize = () => sectorSizeOfSealProof(alloc().ProofType);

  switch (state) {
    case "Empty": {
      const types = o.allowedSizes?.flatMap((s) => sealProofTypesForSize(s)) ?? [];
      let got: Awaited<ReturnType<typeof deps.rpc.callVenus<"AllocateSector">>>;
      try {
        got = await deps.rpc.callVenus("AllocateSector", [
          { AllowedMiners: o.allowedMiners ?? [], AllowedProofTypes: types },
        ]);
      } catch {
        return { kind: "Idle" }; // any error on an allocation call just means Idle
      }
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
    case "DealsAcquired": {
      const p = deps.store.prepare(alloc().ID);
      try {
        rmSync(p.staged, { force: true });
      } catch (e) {
        throw crit(e, `remove old staged file ${p.staged}`);
      }
      const pieces = await runStage<PieceInfo[]>(deps, "add_pieces", {
        seal_proof_type: proofName(),
        pieces: pieceTasks(sector.deals ?? [], deps.localPiecesDirs, deps.managerUrl),
        staged_filepath: p.staged,
      });
      return { kind: "AddPiece", pieces };
    }
    case "PieceAdded": {
      const p = paths();
      try {
        rmSync(p.preparedDir, { recursive: true, force: true });
        mkdirSync(p.preparedDir, { recursive: true });
      } catch (e) {
        throw crit(e, `prepare ${p.preparedDir}`);
      }
      // A CC sector's tree_d is the same for every sector of a size: link the prebuilt one if configured.
      const isCC = (sector.deals ?? []).every((d) =>
        d.DealInfo.IsBuiltinMarket ? d.DealInfo.DealID === 0 : d.DealInfo.AllocationID === 0,
      );
      const staticTreeD = isCC ? deps.staticTreeD[sectorSizeName(sectorSize())] : undefined;
      if (staticTreeD !== undefined) {
        try {
          if (!existsSync(staticTreeD)) throw new Error(`static tree_d ${staticTreeD} does not exist`);
          symlinkSync(staticTreeD, p.treeD);
        } catch (e) {
          throw crit(e, "link static tree_d");
        }
        return { kind: "BuildTreeD" };
      }
      await runStage(deps, "tree_d", {
        registered_proof: proofName(),
        staged_file: p.staged,
        cache_dir: p.preparedDir,
      });
      return { kind: "BuildTreeD" };
    }
    case "TreeDBuilt":
      return { kind: "AssignTicket", ticket: null };
    case "TicketAssigned": {
      const id = alloc().ID;
      const ticket = sector.phases.ticket ?? (await callRpc(deps, "AssignTicket", [id]));
      const p = paths();
      try {
        rmSync(p.cacheDir, { recursive: true, force: true });
        mkdirSync(p.cacheDir, { recursive: true });
        writeFileSync(p.sealed, "");
        truncateSync(p.sealed, 0);
        symlinkSync(p.treeD, join(p.cacheDir, "sc-02-data-tree-d.dat"));
      } catch (e) {
        throw crit(e, `prepare cache dir ${p.cacheDir}`);
      }
      const out = await runStage<unknown>(deps, "pc1", {
        registered_proof: proofName(),
        cache_path: p.cacheDir,
        in_path: p.staged,
        out_path: p.sealed,
        prover_id: proverId(id.Miner),
        sector_id: id.Number,
        ticket: bytes32FromB64(ticket.Ticket, "ticket"),
        piece_infos: required(sector.phases.pieces, "phases.pieces"),
      });
      return { kind: "PC1", ticket, out };
    }
    case "PC1Done": {
      const p = paths();
      try {
        for (const f of readdirSync(p.cacheDir)) {
          if (
            f === "p_aux" ||
            f === "t_aux" ||
            f.startsWith("sc-02-data-tree-c") ||
            f.startsWith("sc-02-data-tree-r-last")
          )
            rmSync(join(p.cacheDir, f), { force: true });
        }
        // PC2 encodes the sealed file in place, starting from a copy of the staged data. Copy it every time: a
        // PC2 interrupted earlier (`.pc2_running` present) left a half-encoded file behind (damocles #837).
        writeFileSync(p.pc2Marker, "");
        copyFileSync(p.staged, p.sealed);
      } catch (e) {
        throw crit(e, `prepare PC2 in ${p.cacheDir}`);
      }
      const out = await runStage<Pc2Output>(deps, "pc2", {
        pc1out: required(sector.phases.pc1out, "phases.pc1out"),
        cache_dir: p.cacheDir,
        sealed_file: p.sealed,
      });
      try {
        rmSync(p.pc2Marker, { force: true });
      } catch (e) {
        throw crit(e, "remove .pc2_running");
      }
      if (o.verifyAfterPc2) {
        // Self-check (damocles v0.10): a C1 with an all-zero seed must succeed on what PC2 just wrote.
        const id = alloc().ID;
        await runStage<unknown>(deps, "c1", {
          registered_proof: proofName(),
          cache_path: p.cacheDir,
          replica_path: p.sealed,
          comm_r: out.comm_r,
          comm_d: out.comm_d,
          prover_id: proverId(id.Miner),
          sector_id: id.Number,
          ticket: bytes32FromB64(required(sector.phases.ticket, "phases.ticket").Ticket, "ticket"),
          seed: new Array<number>(32).fill(0),
          piece_infos: required(sector.phases.pieces, "phases.pieces"),
        });
      }
      return { kind: "PC2", out };
    }
    case "PC2Done": {
      const out = required(sector.phases.pc2out, "phases.pc2out");
      const res = await callRpc(deps, "SubmitPreCommit", [
        alloc(),
        { CommR: out.comm_r, CommD: out.comm_d, Ticket: required(sector.phases.ticket, "phases.ticket") },
        sector.phases.pc2ReSubmit,
      ]);
      return submitOutcome("SubmitPreCommit", res.Res, res.Desc, { kind: "SubmitPC" });
    }
    case "PCSubmitted": {
      for (;;) {
        const r = await callRpc(deps, "PollPreCommitState", [alloc().ID]);
        const next = await pollOutcome(
          "PollPreCommitState",
          r.State,
          r.Desc,
          deps,
          { kind: "CheckPC" },
          { kind: "ReSubmitPC" },
        );
        if (next !== undefined) return next;
      }
    }
    case "PCLanded": {
      const size = sectorSize();
      const candidates = deps.attached.filter((a) => !a.readonly).map((a) => a.name);
      if (candidates.length === 0) throw perm("no writable attached store to persist to");
      let store: Awaited<ReturnType<typeof deps.rpc.callVenus<"StoreReserveSpace">>> = null;
      for (;;) {
        store = await callRpc(deps, "StoreReserveSpace", [alloc().ID, persistReserveBytes(size), candidates]);
        if (store !== null) break;
        await deps.sleep(o.rpcPollingIntervalMs);
      }
      const target = deps.attached.find((a) => a.name === store?.Name);
      if (target === undefined)
        throw perm(`manager reserved store ${JSON.stringify(store.Name)}, which is not attached here`);
      await persistFiles(deps, paths(), sectorPaths(target.location, alloc().ID));
      return { kind: "Persist", instance: target.name };
    }
    case "Persisted": {
      const ok = await callRpc(deps, "SubmitPersistedEx", [
        alloc().ID,
        required(sector.phases.persistInstance, "phases.persistInstance"),
        false,
      ]);
      if (!ok) throw perm(`${sectorName(alloc().ID)} persisted but unavailable in ${sector.phases.persistInstance}`);
      return { kind: "SubmitPersistance" };
    }
    case "PersistanceSubmitted": {
      for (;;) {
        const r = await callRpc(deps, "WaitSeed", [alloc().ID, alloc().ProofType]);
        if (r.Seed !== null) return { kind: "AssignSeed", seed: r.Seed };
        if (!r.ShouldWait || r.Delay <= 0) throw temp(`Venus.WaitSeed: no seed and nothing to wait for`);
        await deps.sleep(r.Delay * 1000);
      }
    }
    case "SeedAssigned": {
      const id = alloc().ID;
      const p = paths();
      const pc2 = required(sector.phases.pc2out, "phases.pc2out");
      const out = await runStage<unknown>(deps, "c1", {
        registered_proof: proofName(),
        cache_path: p.cacheDir,
        cache_dir: p.cacheDir,
        replica_path: p.sealed,
        sealed_file: p.sealed,
        comm_r: pc2.comm_r,
        comm_d: pc2.comm_d,
        prover_id: proverId(id.Miner),
        sector_id: id.Number,
        ticket: bytes32FromB64(required(sector.phases.ticket, "phases.ticket").Ticket, "ticket"),
        seed: bytes32FromB64(required(sector.phases.seed, "phases.seed").Seed, "seed"),
        piece_infos: required(sector.phases.pieces, "phases.pieces"),
      });
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
        for (;;) {
          const r = await callRpc(deps, "PollProofState", [alloc().ID]);
          const next = await pollOutcome(
            "PollProofState",
            r.State,
            r.Desc,
            deps,
            { kind: "Finish" },
            { kind: "ReSubmitProof" },
          );
          if (next === undefined) continue;
          if (next.kind === "ReSubmitProof") return next;
          break;
        }
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
    case "Finished":
    case "Aborted":
      throw crit(`no handler for terminal state ${state}`);
    default: {
      const exhaustive: never = state;
      throw crit(`unknown state ${String(exhaustive)}`);
    }
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

/** One poll result → the event to return, or undefined to poll again after the polling interval. */
async function pollOutcome(
  method: string,
  state: number,
  desc: string | null,
  deps: StageDeps,
  landed: SealerEvent,
  resubmit: SealerEvent,
): Promise<SealerEvent | undefined> {
  const why = `Venus.${method}: ${desc ?? ""}`.trim();
  switch (state) {
    case OnChainState.Pending:
    case OnChainState.Packed:
      await deps.sleep(deps.options.rpcPollingIntervalMs);
      return undefined;
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
      throw temp(`Venus.${method}: unknown on-chain state ${state}`);
  }
}

/** Builtin transfer: the sealed file and the persisted cache files, copied (temp + rename) into the store. */
async function persistFiles(
  deps: StageDeps,
  from: ReturnType<typeof sectorPaths>,
  to: ReturnType<typeof sectorPaths>,
): Promise<void> {
  const release = await deps.pool.limiter.acquire("transfer", deps.signal);
  const t0 = Date.now();
  try {
    mkdirSync(to.cacheDir, { recursive: true });
    mkdirSync(join(to.sealed, ".."), { recursive: true });
    const files = readdirSync(from.cacheDir).filter(isPersistedCacheFile);
    if (!files.includes("p_aux")) throw perm(`persist: ${from.cacheDir} has no p_aux (was PC2 run?)`);
    for (const f of files) copyAtomic(join(from.cacheDir, f), join(to.cacheDir, f));
    if (statSync(from.sealed).size === 0) throw perm(`persist: sealed file ${from.sealed} is empty`);
    copyAtomic(from.sealed, to.sealed);
  } catch (e) {
    if (e instanceof Failure) throw e;
    throw temp(e, "persist files");
  } finally {
    release();
  }
  deps.onStageDone("transfer", Date.now() - t0);
}
