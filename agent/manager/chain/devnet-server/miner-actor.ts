// What the devnet does with a message: the checks builtin-actors' miner actor makes on the params it decodes, the
// state change when they pass, and the exit code when they do not (fvm_shared ExitCode). Proofs are checked by a
// Verifier (sealfarm-proofs in the server). Works on the state it is given: the server passes a copy to estimate
// a message at push time and the real state when the message is included.

import { sealProofInfo, updateProofName } from "../../../../components/core/proofs/registered-proofs.js";
import { toBase64 } from "../../../shared/rpc/bytes.js";
import { computeCommD, zeroCommitment } from "../../proofs/comm-d.js";
import {
  proverId,
  type SealVerifyInput,
  type SnapVerifyInput,
  type Verdict,
  type WindowPostVerifyInput,
} from "../../proofs/proofs-binary.js";
import { addressId, parseAddress } from "../filecoin/address.js";
import { CborShapeError, encodeCbor } from "../filecoin/cbor-shape.js";
import { commitmentOf, parseCid } from "../filecoin/cid.js";
import { ExitCode } from "../filecoin/exit-codes.js";
import { MinerMethod, minerMethodName, proofTypesForSeal } from "../filecoin/miner-methods.js";
import {
  decodeDeclareFaultsRecovered,
  decodePreCommitSectorBatch2,
  decodeProveCommitAggregate,
  decodeProveCommitSectors3,
  decodeProveReplicaUpdates3,
  decodeSubmitWindowedPoSt,
  type PieceActivationManifest,
} from "../filecoin/miner-params.js";
import { addressEntropy } from "../filecoin/randomness-entropy.js";
import { setFromRanges } from "../filecoin/rle-plus.js";
import { type Message, preCommitInfoFromJson, preCommitInfoToJson } from "../lotus/lotus-shapes.js";
import {
  type DevnetState,
  deadlineAt,
  devnetRandomness,
  type MinerState,
  type SectorState,
  sectorKey,
} from "./devnet-state.js";

export interface Verifier {
  seal(input: SealVerifyInput): Promise<Verdict>;
  windowPost(input: WindowPostVerifyInput): Promise<Verdict>;
  /** A snap upgrade's update proof (sealfarm-proofs verify-snap). */
  snap(input: SnapVerifyInput): Promise<Verdict>;
}

export interface Receipt {
  exitCode: number;
  gasUsed: number;
  return: Uint8Array;
  /** Why a non-zero exit code was returned (the actor's error text). */
  error: string;
}

/** A refusal with its exit code, thrown by the checks and turned into a receipt. */
class Abort extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

const DST_SEAL_RANDOMNESS = 5;
const DST_INTERACTIVE_SEAL_CHALLENGE_SEED = 6;
const DST_WINDOWED_POST_CHALLENGE_SEED = 4;
const DST_POST_CHAIN_COMMIT = 9;

export function gasFor(msg: Message): number {
  return 1_000_000 + 10 * msg.params.length;
}

/** Executes `msg` at `epoch` against `state` (changed in place when it succeeds, untouched when it does not). */
export async function executeMessage(
  state: DevnetState,
  msg: Message,
  epoch: number,
  verifier: Verifier,
): Promise<Receipt> {
  const gasUsed = gasFor(msg);
  const sender = state.accounts[msg.from];
  if (sender === undefined) return fail(ExitCode.SysErrSenderInvalid, `sender ${msg.from} is not an account`, gasUsed);
  const fee = BigInt(gasUsed) * BigInt(state.settings.baseFee);
  if (BigInt(sender.balance) < msg.value + fee)
    return fail(ExitCode.SysErrInsufficientFunds, `sender ${msg.from} cannot pay ${msg.value + fee} attoFIL`, gasUsed);
  // The message list is not the actor's state: it is shared, not copied (the caller is walking it).
  const { messages, ...actors } = state;
  const draft: DevnetState = { ...structuredClone(actors), messages };
  const from = draft.accounts[msg.from] as NonNullable<typeof sender>;
  from.balance = (BigInt(from.balance) - fee).toString();
  let ret: Uint8Array = new Uint8Array(0);
  try {
    ret = await applyToActor(draft, msg, epoch, verifier);
  } catch (error) {
    if (error instanceof Abort) return fail(error.exitCode, error.message, gasUsed);
    if (error instanceof CborShapeError) return fail(ExitCode.ErrSerialization, error.message, gasUsed);
    throw error;
  }
  Object.assign(state, draft);
  return { exitCode: ExitCode.Ok, gasUsed, return: ret, error: "" };
}

function fail(exitCode: number, error: string, gasUsed: number): Receipt {
  return { exitCode, gasUsed, return: new Uint8Array(0), error };
}

function transfer(state: DevnetState, from: string, miner: MinerState, value: bigint): void {
  const a = state.accounts[from];
  if (a === undefined) throw new Abort(ExitCode.SysErrSenderInvalid, `sender ${from} is not an account`);
  a.balance = (BigInt(a.balance) - value).toString();
  miner.balance = (BigInt(miner.balance) + value).toString();
}

function available(m: MinerState): bigint {
  return BigInt(m.balance) - BigInt(m.locked);
}

/** A message to a miner actor, being executed: what each method handler works with. */
interface MinerCall {
  state: DevnetState;
  msg: Message;
  miner: MinerState;
  epoch: number;
  verifier: Verifier;
}

async function applyToActor(state: DevnetState, msg: Message, epoch: number, verifier: Verifier): Promise<Uint8Array> {
  const miner = state.miners[msg.to];
  if (miner === undefined) {
    // A plain send to an account.
    const to = state.accounts[msg.to] ?? { balance: "0", nonce: 0 };
    if (msg.method !== 0) throw new Abort(ExitCode.SysErrInvalidReceiver, `${msg.to} is not a miner actor`);
    const from = state.accounts[msg.from];
    if (from) from.balance = (BigInt(from.balance) - msg.value).toString();
    to.balance = (BigInt(to.balance) + msg.value).toString();
    state.accounts[msg.to] = to;
    return new Uint8Array(0);
  }
  transfer(state, msg.from, miner, msg.value);
  if (msg.method === 0) return new Uint8Array(0);
  const call: MinerCall = { state, msg, miner, epoch, verifier };
  if (msg.from !== miner.worker && msg.from !== miner.owner)
    throw new Abort(ExitCode.ErrForbidden, `caller ${msg.from} is not the worker or owner of ${msg.to}`);
  switch (msg.method) {
    case MinerMethod.PreCommitSectorBatch2:
      return preCommitSectorBatch2(call);
    case MinerMethod.ProveCommitSectors3:
      return proveCommitSectors3(call);
    case MinerMethod.SubmitWindowedPoSt:
      return submitWindowedPoSt(call);
    case MinerMethod.DeclareFaultsRecovered:
      return declareFaultsRecovered(call);
    case MinerMethod.ProveCommitAggregate:
      decodeProveCommitAggregate(msg.params);
      throw new Abort(ExitCode.ErrIllegalArgument, "aggregate proofs (SnarkPack) cannot be verified by the devnet");
    case MinerMethod.ProveReplicaUpdates3:
      return proveReplicaUpdates3(call);
    default:
      throw new Abort(
        ExitCode.ErrUnhandledMessage,
        `method ${msg.method}${minerMethodName(msg.method) ? ` (${minerMethodName(msg.method)})` : ""} is not handled by the devnet's miner actor`,
      );
  }
}

function preCommitSectorBatch2({ state, msg, miner, epoch }: MinerCall): Uint8Array {
  const { sectors } = decodePreCommitSectorBatch2(msg.params);
  if (sectors.length === 0) throw new Abort(ExitCode.ErrIllegalArgument, "batch empty");
  const seen = new Set<number>();
  for (const s of sectors) {
    const where = `sector ${s.sectorNumber}`;
    if (s.sealProof !== miner.sealProof)
      throw new Abort(
        ExitCode.ErrIllegalArgument,
        `${where}: seal proof ${s.sealProof}, the miner seals ${miner.sealProof}`,
      );
    const key = sectorKey(msg.to, s.sectorNumber);
    if (seen.has(s.sectorNumber) || state.precommits[key] !== undefined || state.sectors[key] !== undefined)
      throw new Abort(ExitCode.ErrIllegalArgument, `${where}: sector number already allocated`);
    seen.add(s.sectorNumber);
    if (s.sealRandEpoch >= epoch)
      throw new Abort(
        ExitCode.ErrIllegalArgument,
        `${where}: seal challenge epoch ${s.sealRandEpoch} must be before ${epoch}`,
      );
    if (s.sealRandEpoch < epoch - state.settings.maxTicketAge)
      throw new Abort(
        ExitCode.ErrIllegalArgument,
        `${where}: seal challenge epoch ${s.sealRandEpoch} is older than ${state.settings.maxTicketAge} epochs at ${epoch}`,
      );
    if (s.expiration <= epoch)
      throw new Abort(ExitCode.ErrIllegalArgument, `${where}: expiration ${s.expiration} is not after ${epoch}`);
    try {
      commitmentOf(s.sealedCid, "sealed");
      if (s.unsealedCid !== null) commitmentOf(s.unsealedCid, "unsealed");
    } catch (error) {
      throw new Abort(ExitCode.ErrIllegalArgument, `${where}: ${(error as Error).message}`);
    }
  }
  const deposit = BigInt(state.settings.precommitDeposit) * BigInt(sectors.length);
  if (available(miner) < deposit)
    throw new Abort(
      ExitCode.ErrInsufficientFunds,
      `insufficient funds for pre-commit deposit: ${deposit} attoFIL needed, ${available(miner)} available`,
    );
  miner.locked = (BigInt(miner.locked) + deposit).toString();
  for (const s of sectors)
    state.precommits[sectorKey(msg.to, s.sectorNumber)] = {
      info: preCommitInfoToJson(s),
      deposit: state.settings.precommitDeposit,
      epoch,
    };
  return new Uint8Array(0);
}

async function proveCommitSectors3({ state, msg, miner, epoch, verifier }: MinerCall): Promise<Uint8Array> {
  const p = decodeProveCommitSectors3(msg.params);
  if (p.sectorProofs.length === 0 || p.aggregateProof.length > 0)
    throw new Abort(ExitCode.ErrIllegalArgument, "aggregate proofs (SnarkPack) cannot be verified by the devnet");
  if (p.sectorProofs.length !== p.sectorActivations.length)
    throw new Abort(
      ExitCode.ErrIllegalArgument,
      `${p.sectorActivations.length} sector activations but ${p.sectorProofs.length} proofs`,
    );
  const actor = Number(addressId(parseAddress(msg.to)));
  const entropy = addressEntropy(parseAddress(msg.to));
  return inBatch(p.sectorActivations, p.requireActivationSuccess, "activated", async (a) => {
    const pc = state.precommits[sectorKey(msg.to, a.sectorNumber)];
    if (pc === undefined) throw new Abort(ExitCode.ErrNotFound, "no pre-commit");
    const info = preCommitInfoFromJson(pc.info);
    const seedEpoch = pc.epoch + state.settings.precommitChallengeDelay;
    if (epoch <= seedEpoch)
      throw new Abort(ExitCode.ErrForbidden, `too early to prove: the seed is drawn at ${seedEpoch}, now ${epoch}`);
    checkPiecesFit(a.pieces, miner.sectorSize);
    const commD =
      info.unsealedCid === null ? zeroCommitment(miner.sectorSize) : commitmentOf(info.unsealedCid, "unsealed");
    const ticket = devnetRandomness(state, "tickets", DST_SEAL_RANDOMNESS, info.sealRandEpoch, entropy);
    const seed = devnetRandomness(state, "beacon", DST_INTERACTIVE_SEAL_CHALLENGE_SEED, seedEpoch, entropy);
    const verdict = await verifier.seal({
      registered_proof: sealProofInfo(info.sealProof)?.name ?? String(info.sealProof),
      comm_r: [...commitmentOf(info.sealedCid, "sealed")],
      comm_d: [...commD],
      prover_id: proverId(actor),
      sector_id: a.sectorNumber,
      ticket: [...ticket],
      seed: [...seed],
      proof: toBase64(p.sectorProofs[a.index] ?? new Uint8Array(0)),
    });
    if (!verdict.valid) throw new Abort(ExitCode.ErrIllegalArgument, `invalid seal proof: ${verdict.reason}`);
    activate(state, msg.to, miner, info, pc.deposit, epoch, a.pieces.length > 0);
  });
}

/**
 * Runs `apply` for each item of a batch (ProveCommitSectors3, ProveReplicaUpdates3) as builtin-actors does: with
 * `requireSuccess` the first refusal aborts the message; without it a refused item is recorded in the
 * BatchReturn and the others go on, and the message fails only when none succeeded. Items are numbered by
 * `index` so `apply` can find the proof at the same position.
 */
async function inBatch<T extends { sectorNumber: number }>(
  items: T[],
  requireSuccess: boolean,
  verb: string,
  apply: (item: T & { index: number }) => Promise<void>,
): Promise<Uint8Array> {
  const failCodes: [number, number][] = [];
  // Why each item was refused: the receipt has only the codes, the error text of a failed message says why.
  const reasons: string[] = [];
  let succeeded = 0;
  for (const [index, item] of items.entries()) {
    try {
      await apply({ ...item, index });
      succeeded++;
    } catch (error) {
      if (!(error instanceof Abort)) throw error;
      if (requireSuccess) throw new Abort(error.exitCode, `sector ${item.sectorNumber}: ${error.message}`);
      failCodes.push([index, error.exitCode]);
      reasons.push(`sector ${item.sectorNumber}: ${error.message}`);
    }
  }
  if (succeeded === 0 && failCodes.length > 0)
    throw new Abort(failCodes[0]?.[1] ?? ExitCode.ErrIllegalArgument, `no sector ${verb} (${reasons.join("; ")})`);
  // BatchReturn { success_count, fail_codes: [{idx, code}] }.
  return encodeCbor([succeeded, failCodes]);
}

/** Pieces as a sector manifest lists them: padded sizes (powers of two ≥ 128) that together fit the sector. */
function checkPiecesFit(pieces: PieceActivationManifest[], sectorSize: number): void {
  for (const [i, x] of pieces.entries()) {
    if (x.size < 128 || 2 ** Math.round(Math.log2(x.size)) !== x.size)
      throw new Abort(ExitCode.ErrIllegalArgument, `piece ${i}: size ${x.size} is not a padded piece size`);
    try {
      commitmentOf(x.cid, "unsealed");
    } catch (error) {
      throw new Abort(ExitCode.ErrIllegalArgument, `piece ${i}: ${(error as Error).message}`);
    }
  }
  const size = pieces.reduce((n, x) => n + x.size, 0);
  if (size > sectorSize)
    throw new Abort(ExitCode.ErrIllegalArgument, `pieces of ${size} bytes do not fit a ${sectorSize}-byte sector`);
}

function activate(
  state: DevnetState,
  minerAddr: string,
  miner: MinerState,
  info: ReturnType<typeof preCommitInfoFromJson>,
  deposit: string,
  epoch: number,
  hasData: boolean,
): void {
  const deadline = info.sectorNumber % state.settings.deadlines;
  const inDeadline = Object.entries(state.sectors).filter(
    ([k, s]) => k.startsWith(`${minerAddr}/`) && s.deadline === deadline,
  ).length;
  const sector: SectorState = {
    sectorNumber: info.sectorNumber,
    sealProof: info.sealProof,
    sealedCid: info.sealedCid.toString(),
    sectorKeyCid: null,
    hasData: hasData || info.unsealedCid !== null,
    activation: epoch,
    expiration: info.expiration,
    initialPledge: state.settings.initialPledge,
    deadline,
    partition: Math.floor(inDeadline / state.settings.partitionSectors),
    faulty: false,
    recovering: false,
  };
  const key = sectorKey(minerAddr, info.sectorNumber);
  delete state.precommits[key];
  state.sectors[key] = sector;
  // The deposit is released and the initial pledge locked; a shortfall is taken from the miner's balance.
  miner.locked = (BigInt(miner.locked) - BigInt(deposit) + BigInt(state.settings.initialPledge)).toString();
  if (BigInt(miner.locked) > BigInt(miner.balance))
    throw new Abort(
      ExitCode.ErrInsufficientFunds,
      `insufficient funds for initial pledge of sector ${info.sectorNumber}`,
    );
}

/**
 * ProveReplicaUpdates3 (snap deals), checked as builtin-actors' miner does: the update proof type is the one of
 * the sector's seal proof, the sector exists (17), sits in the claimed deadline and partition, is active (not
 * faulty) and holds no data yet (a CC sector, never upgraded), the new sealed CID is a CommR CID and the pieces
 * fit; then the update proof is verified (`verify-snap`) against the old CommR, the new one and the CommD the
 * pieces make. Applied, the sector's sealed CID becomes the new CommR (the old one is kept as its SectorKeyCID),
 * so its WindowPoSt is checked against the update replica from then on. Not checked (a devnet simplification):
 * that the sector's deadline is not the current or next one (builtin-actors refuses an update there), deal
 * activation in the market actor, verified allocations and notifications; aggregated update proofs are refused.
 */
async function proveReplicaUpdates3({ state, msg, miner, verifier }: MinerCall): Promise<Uint8Array> {
  const p = decodeProveReplicaUpdates3(msg.params);
  if (p.sectorUpdates.length === 0) throw new Abort(ExitCode.ErrIllegalArgument, "no sector updates");
  if (p.aggregateProof.length > 0 || p.aggregateProofType !== null)
    throw new Abort(ExitCode.ErrIllegalArgument, "aggregate update proofs cannot be verified by the devnet");
  if (p.sectorProofs.length !== p.sectorUpdates.length)
    throw new Abort(
      ExitCode.ErrIllegalArgument,
      `${p.sectorUpdates.length} sector updates but ${p.sectorProofs.length} proofs`,
    );
  const numbers = p.sectorUpdates.map((u) => u.sector);
  const twice = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (twice !== undefined) throw new Abort(ExitCode.ErrIllegalArgument, `sector ${twice} updated twice in one message`);
  const updates = p.sectorUpdates.map((u) => ({ ...u, sectorNumber: u.sector }));
  return inBatch(updates, p.requireActivationSuccess, "updated", async (u) => {
    const expectedType = proofTypesForSeal(miner.sealProof).update;
    if (p.updateProofsType !== expectedType)
      throw new Abort(
        ExitCode.ErrIllegalArgument,
        `update proof type ${p.updateProofsType}, the sector's seal proof ${miner.sealProof} needs ${expectedType}`,
      );
    const sector = state.sectors[sectorKey(msg.to, u.sector)];
    if (sector === undefined) throw new Abort(ExitCode.ErrNotFound, "no such sector");
    if (sector.deadline !== u.deadline || sector.partition !== u.partition)
      throw new Abort(
        ExitCode.ErrIllegalArgument,
        `is in deadline ${sector.deadline} partition ${sector.partition}, not ${u.deadline}/${u.partition}`,
      );
    if (sector.faulty) throw new Abort(ExitCode.ErrIllegalArgument, "is faulty: only an active sector can be updated");
    if (sector.hasData === true || (sector.sectorKeyCid ?? null) !== null)
      throw new Abort(ExitCode.ErrIllegalArgument, "already holds data: only a CC sector can be updated");
    let commRNew: Uint8Array;
    try {
      commRNew = commitmentOf(u.newSealedCid, "sealed");
    } catch (error) {
      throw new Abort(ExitCode.ErrIllegalArgument, `new_sealed_cid: ${(error as Error).message}`);
    }
    checkPiecesFit(u.pieces, miner.sectorSize);
    const commDNew = computeCommD(
      miner.sectorSize,
      u.pieces.map((x) => ({ paddedSize: x.size, commitment: commitmentOf(x.cid, "unsealed") })),
    );
    const verdict = await verifier.snap({
      registered_proof: updateProofName(miner.sealProof),
      comm_r_old: [...commitmentOf(parseCid(sector.sealedCid), "sealed")],
      comm_r_new: [...commRNew],
      comm_d_new: [...commDNew],
      proof: [...(p.sectorProofs[u.index] ?? new Uint8Array(0))],
    });
    if (!verdict.valid) throw new Abort(ExitCode.ErrIllegalArgument, `invalid update proof: ${verdict.reason}`);
    sector.sectorKeyCid = sector.sealedCid;
    sector.sealedCid = u.newSealedCid.toString();
    sector.hasData = u.pieces.length > 0;
  });
}

function minerSectors(state: DevnetState, miner: string): SectorState[] {
  return Object.entries(state.sectors)
    .filter(([k]) => k.startsWith(`${miner}/`))
    .map(([, s]) => s);
}

async function submitWindowedPoSt({ state, msg, miner, epoch, verifier }: MinerCall): Promise<Uint8Array> {
  const p = decodeSubmitWindowedPoSt(msg.params);
  const dl = deadlineAt(state.settings, epoch);
  if (p.deadline !== dl.index)
    throw new Abort(
      ExitCode.ErrIllegalArgument,
      `invalid deadline ${p.deadline} at epoch ${epoch}, expected ${dl.index}`,
    );
  if (p.chainCommitEpoch < dl.challenge || p.chainCommitEpoch >= epoch)
    throw new Abort(
      ExitCode.ErrIllegalArgument,
      `chain commit epoch ${p.chainCommitEpoch} outside [${dl.challenge}, ${epoch})`,
    );
  const commitRand = devnetRandomness(state, "tickets", DST_POST_CHAIN_COMMIT, p.chainCommitEpoch, new Uint8Array(0));
  if (Buffer.compare(Buffer.from(commitRand), Buffer.from(p.chainCommitRand)) !== 0)
    throw new Abort(ExitCode.ErrIllegalArgument, "post commit randomness mismatched");
  // builtin-actors wants exactly one PoStProof (one SNARK over every partition); ours carry one vanilla proof per
  // proof partition (sealing-messages.ts says why), so any count is taken here and the verifier checks it.
  if (p.proofs.length === 0 || p.proofs.some((x) => x.postProof !== miner.windowPoStProofType))
    throw new Abort(
      ExitCode.ErrIllegalArgument,
      `expected proofs of type ${miner.windowPoStProofType}, got ${p.proofs.map((x) => x.postProof).join(",") || "none"}`,
    );
  const sectors = minerSectors(state, msg.to).filter((s) => s.deadline === p.deadline);
  const replicas: { sector_id: number; comm_r: number[] }[] = [];
  const provenSectors: SectorState[] = [];
  for (const part of p.partitions) {
    const inPart = sectors.filter((s) => s.partition === part.index);
    if (inPart.length === 0)
      throw new Abort(ExitCode.ErrIllegalArgument, `deadline ${p.deadline} has no partition ${part.index}`);
    const skipped = new Set(setFromRanges(part.skipped));
    for (const s of inPart) {
      if (skipped.has(s.sectorNumber) || (s.faulty && !s.recovering)) continue;
      replicas.push({ sector_id: s.sectorNumber, comm_r: [...commitmentOf(parseCid(s.sealedCid), "sealed")] });
      provenSectors.push(s);
    }
    for (const s of inPart) if (skipped.has(s.sectorNumber)) s.faulty = true;
  }
  if (replicas.length > 0) {
    const entropy = addressEntropy(parseAddress(msg.to));
    const verdict = await verifier.windowPost({
      proof_type: sealProofInfo(miner.sealProof)?.windowPostProof ?? "",
      miner_id: Number(addressId(parseAddress(msg.to))),
      randomness: [...devnetRandomness(state, "beacon", DST_WINDOWED_POST_CHALLENGE_SEED, dl.challenge, entropy)],
      replicas,
      // Every PoStProof in order, one per proof partition of the proven sectors (sealing-messages.ts says why).
      proofs: p.proofs.map((x) => toBase64(x.proofBytes)),
    });
    if (!verdict.valid) throw new Abort(ExitCode.ErrIllegalArgument, `invalid PoSt: ${verdict.reason}`);
  }
  for (const s of provenSectors) {
    s.faulty = false;
    s.recovering = false;
  }
  const key = `${msg.to}/${dl.open}`;
  state.proven[key] = [...new Set([...(state.proven[key] ?? []), ...p.partitions.map((x) => x.index)])];
  return new Uint8Array(0);
}

function declareFaultsRecovered({ state, msg }: MinerCall): Uint8Array {
  const { recoveries } = decodeDeclareFaultsRecovered(msg.params);
  for (const r of recoveries) {
    if (r.deadline >= state.settings.deadlines)
      throw new Abort(
        ExitCode.ErrIllegalArgument,
        `deadline ${r.deadline} out of range 0..${state.settings.deadlines - 1}`,
      );
    const inPart = minerSectors(state, msg.to).filter((s) => s.deadline === r.deadline && s.partition === r.partition);
    for (const n of setFromRanges(r.sectors)) {
      const s = inPart.find((x) => x.sectorNumber === n);
      if (s === undefined)
        throw new Abort(
          ExitCode.ErrIllegalArgument,
          `sector ${n} is not in deadline ${r.deadline} partition ${r.partition}`,
        );
      if (s.faulty) s.recovering = true;
    }
  }
  return new Uint8Array(0);
}

/** Deadline ends between state.cronEpoch and `epoch`: a partition with live sectors and no proof turns faulty. */
export function runDeadlineCron(state: DevnetState, epoch: number): void {
  const s = state.settings;
  const window = s.provingPeriod / s.deadlines;
  // Deadline windows close at multiples of `window`.
  for (let close = (Math.floor(state.cronEpoch / window) + 1) * window; close <= epoch; close += window) {
    const open = close - window;
    const index = Math.floor((open % s.provingPeriod) / window);
    for (const minerAddr of Object.keys(state.miners)) {
      const proven = new Set(state.proven[`${minerAddr}/${open}`] ?? []);
      for (const sector of minerSectors(state, minerAddr))
        if (sector.deadline === index && sector.activation < open && !proven.has(sector.partition)) {
          sector.faulty = true;
          sector.recovering = false;
        }
      delete state.proven[`${minerAddr}/${open}`];
    }
  }
  state.cronEpoch = Math.max(state.cronEpoch, epoch);
}
