// The steps the sealing plans share (reference §3.3, §3.5): add_pieces, tree_d, PC1, PC2, C1, persist and the
// persisted-files submission. Each does the I/O of one step and returns its output or throws a classified
// Failure; the plans' handlers (sealer, rebuild) only pick the inputs from their record.

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
import {
  sealProofName,
  sealProofTypesForSize,
  sectorSizeName,
  sectorSizeOfSealProof,
} from "../../../components/core/proofs/registered-proofs.js";
import { paddedBytes, toUnpadded } from "../../../components/core/units/bytes.js";
import {
  type AllocatedSector,
  type AllocateSectorSpec,
  fromBase64,
  InvalidReplyError,
  type SectorPieceV2,
  type Ticket,
} from "../../shared/rpc/index.js";
import type { VenusParams, VenusResult } from "../../shared/rpc/venus-methods.js";
import { abort, crit, Failure, perm, temp } from "../failure.js";
import type { Pc2Output, PieceInfo } from "../planner/sector.js";
import { sectorName } from "../planner/sector.js";
import { type ReplicaFiles, replicaFiles, sectorPaths } from "../store/sealing-store.js";
import { fetchManagerPiece } from "./fetch-piece.js";
import { callRpc, runStage, type StageDeps } from "./stage-deps.js";
import { isTransferDone, type PersistStoreInfo, persistTransferTask } from "./transfer-task.js";

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

export function bytes32FromB64(text: string, what: string): number[] {
  const b = fromBase64(text);
  if (b === null || b.length !== 32) throw abort(`${what} is not 32 base64 bytes: ${JSON.stringify(text)}`);
  return Array.from(b);
}

export function required<T>(value: T | null | undefined, field: string): T {
  // damocles `field_required!`: a field the state needs is missing from the stored sector → Abort.
  if (value === null || value === undefined) throw abort(`field ${field} is required`);
  return value;
}

/** What a thread may take: its allowed miners, and every current seal proof type of its allowed sizes. */
export function allocateSpec(deps: StageDeps): AllocateSectorSpec {
  const o = deps.options;
  return {
    AllowedMiners: o.allowedMiners ?? [],
    AllowedProofTypes: o.allowedSizes?.flatMap((s) => sealProofTypesForSize(s)) ?? [],
  };
}

type AllocateMethod = "AllocateSector" | "AllocateRebuildSector" | "AllocateUnsealSector" | "AllocateSanpUpSector";

/**
 * Asks the manager for work (by default with the thread's spec, `allocateSpec`). null means Idle: no work, and, as
 * in damocles, any error of an allocation call too, except a reply that is not the method's shape: that is
 * permanent (the thread pauses and says why), since whoever answered cannot be trusted with the store.
 */
export async function allocateWork<M extends AllocateMethod>(
  deps: StageDeps,
  method: M,
  params: VenusParams<M>,
): Promise<VenusResult<M> | null> {
  try {
    return await deps.rpc.callVenus(method, params);
  } catch (e) {
    if (e instanceof InvalidReplyError) throw perm(e.message);
    return null;
  }
}

/**
 * The `default:` of a plan's handler switch, reached only in Finished and Aborted: no handler runs there (the thread
 * ends the task first). Typed so that a state the switch forgot is a compile error, not this failure.
 */
export function noHandlerFor(state: "Finished" | "Aborted"): Failure {
  return crit(`no handler for terminal state ${state}`);
}

/** Pledge (filler) pieces: DealID 0 for the builtin market, AllocationID 0 for direct data onboarding. */
export function isPledgePiece(d: SectorPieceV2): boolean {
  return d.DealInfo.IsBuiltinMarket ? d.DealInfo.DealID === 0 : d.DealInfo.AllocationID === 0;
}

/** Piece sources for add_pieces: pledge, a local copy from `local_pieces_dirs`, or the manager's piece store. */
export function pieceTasks(
  deals: readonly SectorPieceV2[],
  localDirs: readonly string[],
  managerUrl: string,
  exists: (p: string) => boolean = existsSync,
): Array<{ piece_file: unknown; payload_size: number; piece_size: number }> {
  return deals.map((d) => {
    const size = toUnpadded(paddedBytes(d.Piece.Size));
    if (isPledgePiece(d)) return { piece_file: "pledge", payload_size: size, piece_size: size };
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
  // damocles: 2× below 32 GiB, else size + size / 50 in integer arithmetic (1.02×, rounded down).
  return sectorSize >= 32 * 1024 ** 3 ? sectorSize + Math.floor(sectorSize / 50) : sectorSize * 2;
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

/** add_pieces into a fresh staged file (any old one is removed first). */
export async function addPieces(
  deps: StageDeps,
  sector: AllocatedSector,
  deals: readonly SectorPieceV2[] | null,
): Promise<PieceInfo[]> {
  const p = deps.store.prepare(sector.ID);
  try {
    rmSync(p.staged, { force: true });
  } catch (e) {
    throw crit(e, `remove old staged file ${p.staged}`);
  }
  // Pieces from the manager's piece store are fetched here (token, TLS pin), then handed over as local files.
  const pieces = pieceTasks(deals ?? [], deps.localPiecesDirs, deps.managerUrl);
  const fetchedDir = join(deps.store.dataDir, "fetched-pieces");
  const fetched: string[] = [];
  try {
    for (const piece of pieces) {
      const source = piece.piece_file as { url?: string };
      if (typeof source !== "object" || source === null || source.url === undefined) continue;
      const cid = decodeURIComponent(new URL(source.url).pathname.split("/").pop() ?? "");
      const local = await fetchManagerPiece(source.url, fetchedDir, cid, {
        token: deps.managerToken,
        tls: deps.managerTls,
        signal: deps.signal,
      });
      fetched.push(local);
      piece.piece_file = { local };
    }
    return await runStage<PieceInfo[]>(deps, "add_pieces", {
      seal_proof_type: sealProofName(sector.ProofType),
      pieces,
      staged_filepath: p.staged,
    });
  } finally {
    for (const f of fetched) rmSync(f, { force: true });
  }
}

/**
 * tree_d into `prepared/`; a CC sector links the prebuilt static tree_d of its size when one is configured and
 * `allowStatic` (snapup never does: its tree_d is the new data's).
 */
export async function buildTreeD(
  deps: StageDeps,
  sector: AllocatedSector,
  deals: readonly SectorPieceV2[] | null,
  allowStatic = true,
): Promise<void> {
  const p = deps.store.paths(sector.ID);
  try {
    rmSync(p.preparedDir, { recursive: true, force: true });
    mkdirSync(p.preparedDir, { recursive: true });
  } catch (e) {
    throw crit(e, `prepare ${p.preparedDir}`);
  }
  // A CC sector's tree_d is the same for every sector of a size: link the prebuilt one if configured.
  const isCC = allowStatic && (deals ?? []).every(isPledgePiece);
  const staticTreeD = isCC ? deps.staticTreeD[sectorSizeName(sectorSizeOfSealProof(sector.ProofType))] : undefined;
  if (staticTreeD !== undefined) {
    try {
      if (!existsSync(staticTreeD)) throw new Error(`static tree_d ${staticTreeD} does not exist`);
      symlinkSync(staticTreeD, p.treeD);
    } catch (e) {
      throw crit(e, "link static tree_d");
    }
    return;
  }
  await runStage(deps, "tree_d", {
    registered_proof: sealProofName(sector.ProofType),
    staged_file: p.staged,
    cache_dir: p.preparedDir,
  });
}

/** PC1 with the given ticket, into a wiped cache dir and an empty sealed file. */
export async function runPc1(
  deps: StageDeps,
  sector: AllocatedSector,
  ticket: Ticket,
  pieces: PieceInfo[],
): Promise<unknown> {
  const p = deps.store.paths(sector.ID);
  try {
    rmSync(p.cacheDir, { recursive: true, force: true });
    mkdirSync(p.cacheDir, { recursive: true });
    writeFileSync(p.sealed, "");
    truncateSync(p.sealed, 0);
    symlinkSync(p.treeD, join(p.cacheDir, "sc-02-data-tree-d.dat"));
  } catch (e) {
    throw crit(e, `prepare cache dir ${p.cacheDir}`);
  }
  return runStage<unknown>(deps, "pc1", {
    registered_proof: sealProofName(sector.ProofType),
    cache_path: p.cacheDir,
    in_path: p.staged,
    out_path: p.sealed,
    prover_id: proverId(sector.ID.Miner),
    sector_id: sector.ID.Number,
    ticket: bytes32FromB64(ticket.Ticket, "ticket"),
    piece_infos: pieces,
  });
}

/** PC2: encodes the sealed file in place, from a fresh copy of the staged data. */
export async function runPc2(deps: StageDeps, sector: AllocatedSector, pc1out: unknown): Promise<Pc2Output> {
  const p = deps.store.paths(sector.ID);
  try {
    for (const f of readdirSync(p.cacheDir)) {
      if (f === "p_aux" || f === "t_aux" || f.startsWith("sc-02-data-tree-c") || f.startsWith("sc-02-data-tree-r-last"))
        rmSync(join(p.cacheDir, f), { force: true });
    }
    // PC2 encodes the sealed file in place, starting from a copy of the staged data. Copy it every time: a
    // PC2 interrupted earlier (`.pc2_running` present) left a half-encoded file behind (damocles #837).
    writeFileSync(p.pc2Marker, "");
    copyFileSync(p.staged, p.sealed);
  } catch (e) {
    throw crit(e, `prepare PC2 in ${p.cacheDir}`);
  }
  const out = await runStage<Pc2Output>(deps, "pc2", { pc1out, cache_dir: p.cacheDir, sealed_file: p.sealed });
  try {
    rmSync(p.pc2Marker, { force: true });
  } catch (e) {
    throw crit(e, "remove .pc2_running");
  }
  return out;
}

/** C1 over the local sealed file and cache: the interactive proof for `seed`, or a check that the files are right. */
export async function runC1(
  deps: StageDeps,
  sector: AllocatedSector,
  pc2: Pc2Output,
  ticket: Ticket,
  seed: number[],
  pieces: PieceInfo[],
): Promise<unknown> {
  const p = deps.store.paths(sector.ID);
  return runStage<unknown>(deps, "c1", {
    registered_proof: sealProofName(sector.ProofType),
    cache_path: p.cacheDir,
    cache_dir: p.cacheDir,
    replica_path: p.sealed,
    sealed_file: p.sealed,
    comm_r: pc2.comm_r,
    comm_d: pc2.comm_d,
    prover_id: proverId(sector.ID.Miner),
    sector_id: sector.ID.Number,
    ticket: bytes32FromB64(ticket.Ticket, "ticket"),
    seed,
    piece_infos: pieces,
  });
}

/**
 * Reserves space on a writable attached store (polling until the manager grants it) and copies the replica there:
 * the sealed one (`sealed/`, `cache/`), or a SnapUp's updated one (`update/`, `update-cache/`), at the same
 * relative paths inside the store.
 */
export async function persistSealed(
  deps: StageDeps,
  sector: AllocatedSector,
  which: "sealed" | "update" = "sealed",
): Promise<string> {
  const candidates = deps.attached.filter((a) => !a.readonly).map((a) => a.name);
  if (candidates.length === 0) throw perm("no writable attached store to persist to");
  const bytes = persistReserveBytes(sectorSizeOfSealProof(sector.ProofType));
  let store: Awaited<ReturnType<typeof deps.rpc.callVenus<"StoreReserveSpace">>> = null;
  for (;;) {
    store = await callRpc(deps, "StoreReserveSpace", [sector.ID, bytes, candidates]);
    if (store !== null) break;
    await deps.sleep(deps.options.rpcPollingIntervalMs);
  }
  const target = deps.attached.find((a) => a.name === store?.Name);
  if (target === undefined)
    throw perm(`manager reserved store ${JSON.stringify(store.Name)}, which is not attached here`);
  // The store's meta for a custom transfer processor: the manager's, under what the worker declares for the store
  // (as at start-up: the worker's own view of a store, like its location, wins).
  const meta = { ...(store.Meta ?? {}), ...(target.meta ?? {}) };
  await persistFiles(
    deps,
    { name: target.name, meta },
    replicaFiles(deps.store.paths(sector.ID), which),
    replicaFiles(sectorPaths(target.location, sector.ID), which),
  );
  return target.name;
}

/** `Venus.SubmitPersistedEx(sid, instance, false)`; false means the manager cannot see the files: permanent. */
export async function submitPersisted(deps: StageDeps, sector: AllocatedSector, instance: string): Promise<void> {
  const ok = await callRpc(deps, "SubmitPersistedEx", [sector.ID, instance, false]);
  if (!ok) throw perm(`${sectorName(sector.ID)} persisted but unavailable in ${instance}`);
}

/** The cache files to persist; a cache without p_aux or an empty sealed file means PC2 did not finish: permanent. */
function filesToPersist(from: ReplicaFiles): string[] {
  let files: string[];
  let sealedBytes: number;
  try {
    files = readdirSync(from.cacheDir).filter(isPersistedCacheFile);
    sealedBytes = statSync(from.sealed).size;
  } catch (e) {
    throw temp(e, "persist files");
  }
  if (!files.includes("p_aux")) throw perm(`persist: ${from.cacheDir} has no p_aux (was PC2 run?)`);
  if (sealedBytes === 0) throw perm(`persist: sealed file ${from.sealed} is empty`);
  return files;
}

/**
 * Persists the sealed file and the cache files into the store: through the `[[processors.transfer]]` pool when it is
 * configured (one task, holding the `transfer` stage limit; `false` or err_msg is permanent, as damocles' processor
 * failures are), else by the builtin copy (temp + rename).
 */
async function persistFiles(
  deps: StageDeps,
  store: PersistStoreInfo,
  from: ReplicaFiles,
  to: ReplicaFiles,
): Promise<void> {
  const files = filesToPersist(from);
  if (deps.pool.isConfigured("transfer")) {
    const out = await runStage<unknown>(deps, "transfer", persistTransferTask(store, from, to, files));
    if (!isTransferDone(out))
      throw perm(
        `persist into store ${JSON.stringify(store.name)}: transfer processor answered ${JSON.stringify(out)}`,
      );
    return;
  }
  const release = await deps.pool.limiter.acquire("transfer", deps.signal);
  const t0 = Date.now();
  try {
    mkdirSync(to.cacheDir, { recursive: true });
    mkdirSync(join(to.sealed, ".."), { recursive: true });
    for (const f of files) copyAtomic(join(from.cacheDir, f), join(to.cacheDir, f));
    copyAtomic(from.sealed, to.sealed);
  } catch (e) {
    if (e instanceof Failure) throw e;
    throw temp(e, "persist files");
  } finally {
    release();
  }
  deps.onStageDone("transfer", Date.now() - t0);
}
