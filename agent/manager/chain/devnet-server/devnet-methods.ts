// The Lotus v1 methods the devnet serves, over its state: each takes the JSON params of the request and returns
// the JSON result, in Lotus' shapes. Messages are executed lazily, in push order, at their inclusion epoch, on
// the first request that sees the head past it (advance), so the result never depends on when requests arrive.
import { fromBase64 } from "../../../shared/rpc/bytes.js";
import { encodeCbor } from "../filecoin/cbor-shape.js";
import { type CID, dagCborCid, parseCid } from "../filecoin/cid.js";
import { messageCid } from "../filecoin/message.js";
import { rangesFromSet, setFromRanges } from "../filecoin/rle-plus.js";
import { bitfield, int, LotusJsonError, nullable, str, toJson, uint } from "../lotus/lotus-json.js";
import {
  deadlineInfoToJson,
  type Message,
  messageFromJson,
  messageToJson,
  minerInfoToJson,
  msgLookupToJson,
  partitionToJson,
  preCommitInfoFromJson,
  preCommitOnChainToJson,
  sectorLocationToJson,
  sectorOnChainToJson,
  sendSpecFromJson,
  signedMessageToJson,
  tipSetToJson,
} from "../lotus/lotus-shapes.js";
import {
  type DevnetState,
  deadlineAt,
  devnetRandomness,
  headAt,
  type MessageState,
  type SectorState,
  sectorKey,
} from "./devnet-state.js";
import { executeMessage, gasFor, runDeadlineCron, type Verifier } from "./miner-actor.js";
import { actorState, type Undo } from "./misbehaviour.js";

/** An error answered as a JSON-RPC error (code 1, Lotus' usual), with Lotus-like text. */
export class DevnetCallError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

export interface DevnetHost {
  state: DevnetState;
  verifier: Verifier;
  now(): number;
  /** Persists the state; called after every change, before the reply. */
  save(): void;
  /** With test hooks: the state before the last executed message is kept here (for Devnet.Reorg). */
  undo?: Undo | null;
}

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

export function tipSetCid(state: DevnetState, epoch: number): CID {
  return dagCborCid(encodeCbor(["sealfarm-devnet", state.genesis.seedHex, epoch]));
}

function headTipSet(host: DevnetHost) {
  const height = headAt(host.state, host.now());
  return {
    key: [tipSetCid(host.state, height)],
    height,
    parentBaseFee: BigInt(host.state.settings.baseFee),
    timestamp: Math.floor((host.state.genesis.timeMs + height * host.state.settings.blockTimeMs) / 1000),
  };
}

/** Executes every pushed message whose inclusion epoch has come, then the deadline cron up to the head. */
export async function advance(host: DevnetHost): Promise<void> {
  const head = headAt(host.state, host.now());
  let changed = false;
  for (const m of host.state.messages) {
    if (m.receipt !== null || m.dropped === true || m.includedEpoch > head) continue;
    if (host.undo !== undefined) host.undo = { cid: m.cid, before: actorState(host.state) };
    runDeadlineCron(host.state, m.includedEpoch);
    const r = await executeMessage(host.state, messageFromJson(m.message), m.includedEpoch, host.verifier);
    m.receipt = {
      exitCode: r.exitCode,
      gasUsed: r.gasUsed,
      return: Buffer.from(r.return).toString("base64"),
      error: r.error,
    };
    changed = true;
  }
  if (host.state.cronEpoch < head) {
    runDeadlineCron(host.state, head);
    changed = true;
  }
  if (changed) host.save();
}

function miner(host: DevnetHost, v: unknown, path: string) {
  const addr = str(v, path);
  const m = host.state.miners[addr];
  if (m === undefined) throw new DevnetCallError(`actor not found: ${addr} is not a miner on this devnet`);
  return { addr, m };
}

function sectorsOf(host: DevnetHost, addr: string): SectorState[] {
  return Object.entries(host.state.sectors)
    .filter(([k]) => k.startsWith(`${addr}/`))
    .map(([, s]) => s)
    .sort((a, b) => a.sectorNumber - b.sectorNumber);
}

function sectorJson(s: SectorState) {
  return sectorOnChainToJson({
    sectorNumber: s.sectorNumber,
    sealProof: s.sealProof,
    sealedCid: parseCid(s.sealedCid),
    activation: s.activation,
    expiration: s.expiration,
    initialPledge: BigInt(s.initialPledge),
    sectorKeyCid: s.sectorKeyCid ? parseCid(s.sectorKeyCid) : null,
  });
}

/** The numbers of the sectors that pass `f`, as bitfield ranges. */
function sectorRanges(sectors: SectorState[], f: (s: SectorState) => boolean) {
  return rangesFromSet(sectors.filter(f).map((s) => s.sectorNumber));
}

function lookup(host: DevnetHost, m: MessageState) {
  if (m.receipt === null) return null;
  return msgLookupToJson({
    message: parseCid(m.cid),
    exitCode: m.receipt.exitCode,
    return: fromBase64(m.receipt.return) ?? new Uint8Array(0),
    gasUsed: m.receipt.gasUsed,
    tipSet: [tipSetCid(host.state, m.includedEpoch)],
    height: m.includedEpoch,
  });
}

function signed(m: MessageState) {
  return signedMessageToJson(
    { message: messageFromJson(m.message), cid: parseCid(m.cid) },
    { type: 2, data: new Uint8Array(0) },
  );
}

function randomness(host: DevnetHost, source: "tickets" | "beacon", params: unknown[]) {
  const dst = int(params[0], "params/0");
  const epoch = int(params[1], "params/1");
  const entropy = params[2] === null ? new Uint8Array(0) : fromBase64(str(params[2], "params/2"));
  if (entropy === null) throw new LotusJsonError("params/2", "entropy as base64", params[2]);
  const head = headAt(host.state, host.now());
  if (epoch > head) throw new DevnetCallError(`cannot draw randomness from the future: epoch ${epoch}, head ${head}`);
  return Buffer.from(devnetRandomness(host.state, source, dst, epoch, entropy)).toString("base64");
}

async function pushMessage(host: DevnetHost, params: unknown[]) {
  const msg: Message = messageFromJson(params[0], "params/0");
  const spec = sendSpecFromJson(params[1], "params/1");
  const state = host.state;
  if (spec.msgUuid !== ZERO_UUID) {
    const before = state.messages.find((m) => m.uuid === spec.msgUuid);
    if (before !== undefined) return signed(before);
  }
  const account = state.accounts[msg.from];
  if (account === undefined) throw new DevnetCallError(`resolving address ${msg.from}: actor not found`);
  const head = headAt(state, host.now());
  const baseFee = BigInt(state.settings.baseFee);
  const gasLimit = msg.gasLimit > 0 ? msg.gasLimit : gasFor(msg);
  let feeCap = msg.gasFeeCap > 0n ? msg.gasFeeCap : baseFee * 2n;
  if (spec.maxFee > 0n && feeCap * BigInt(gasLimit) > spec.maxFee) feeCap = spec.maxFee / BigInt(gasLimit);
  if (feeCap < baseFee)
    throw new DevnetCallError(
      `GasEstimateMessageGas error: fee cap ${feeCap} is below the base fee ${baseFee}: max fee ${spec.maxFee} attoFIL is too low for ${gasLimit} gas`,
    );
  const full: Message = {
    ...msg,
    nonce: account.nonce,
    gasLimit,
    gasFeeCap: feeCap,
    gasPremium: msg.gasPremium > 0n ? msg.gasPremium : feeCap < 100n ? feeCap : 100n,
  };
  // Estimate as Lotus does: execute on top of the pending messages; a failure refuses the push.
  const trial = structuredClone(state);
  for (const m of trial.messages)
    if (m.receipt === null && m.dropped !== true)
      await executeMessage(trial, messageFromJson(m.message), head + 1, host.verifier);
  const r = await executeMessage(trial, full, head + 1, host.verifier);
  if (r.exitCode !== 0)
    throw new DevnetCallError(
      `GasEstimateMessageGas error: estimating gas used: message execution failed: exit ${r.exitCode}: ${r.error}`,
    );
  const entry: MessageState = {
    cid: messageCid(full).toString(),
    message: messageToJson(full),
    uuid: spec.msgUuid,
    includedEpoch: head + 1,
    receipt: null,
  };
  state.messages.push(entry);
  account.nonce++;
  host.save();
  return signed(entry);
}

function findMessage(host: DevnetHost, v: unknown, path: string): MessageState | undefined {
  const cid = str((v as Record<string, unknown> | null)?.["/"], `${path}//`);
  return host.state.messages.find((m) => m.cid === cid);
}

export type MethodResult = { value: unknown } | { waitUntilEpoch: number };

/** One call. StateWaitMsg answers `waitUntilEpoch` when the message is not final yet; the server calls again then. */
export async function callMethod(host: DevnetHost, method: string, params: unknown[]): Promise<MethodResult> {
  await advance(host);
  const state = host.state;
  const head = headAt(state, host.now());
  const v = (value: unknown): MethodResult => ({ value });
  switch (method) {
    case "Filecoin.ChainHead":
      return v(tipSetToJson(headTipSet(host), Object.keys(state.miners)[0] ?? "f01000"));
    case "Filecoin.StateNetworkVersion":
      return v(state.settings.networkVersion);
    case "Filecoin.StateMinerInfo": {
      const { m } = miner(host, params[0], "params/0");
      return v(
        minerInfoToJson({
          owner: m.owner,
          worker: m.worker,
          controlAddresses: [],
          sectorSize: m.sectorSize,
          windowPoStProofType: m.windowPoStProofType,
          windowPoStPartitionSectors: state.settings.partitionSectors,
        }),
      );
    }
    case "Filecoin.StateLookupID": {
      const addr = str(params[0], "params/0");
      if (state.accounts[addr] === undefined && state.miners[addr] === undefined)
        throw new DevnetCallError(`resolution lookup failed (${addr}): actor not found`);
      return v(addr);
    }
    case "Filecoin.StateGetRandomnessFromTickets":
      return v(randomness(host, "tickets", params));
    case "Filecoin.StateGetRandomnessFromBeacon":
      return v(randomness(host, "beacon", params));
    case "Filecoin.StateMinerPreCommitDepositForPower":
      miner(host, params[0], "params/0");
      preCommitInfoFromJson(params[1], "params/1");
      return v(state.settings.precommitDeposit);
    case "Filecoin.StateMinerInitialPledgeCollateral":
      miner(host, params[0], "params/0");
      preCommitInfoFromJson(params[1], "params/1");
      return v(state.settings.initialPledge);
    case "Filecoin.MpoolPushMessage":
      return v(await pushMessage(host, params));
    case "Filecoin.StateSearchMsg": {
      const m = findMessage(host, params[1], "params/1");
      return v(m === undefined ? null : lookup(host, m));
    }
    case "Filecoin.StateWaitMsg": {
      const m = findMessage(host, params[0], "params/0");
      const confidence = uint(params[1], "params/1");
      if (m === undefined || m.receipt === null) return { waitUntilEpoch: head + 1 };
      if (head < m.includedEpoch + confidence) return { waitUntilEpoch: m.includedEpoch + confidence };
      return v(lookup(host, m));
    }
    case "Filecoin.StateSectorPreCommitInfo": {
      const { addr } = miner(host, params[0], "params/0");
      const pc = state.precommits[sectorKey(addr, uint(params[1], "params/1"))];
      if (pc === undefined) return v(null);
      return v(
        preCommitOnChainToJson({
          info: preCommitInfoFromJson(pc.info),
          preCommitDeposit: BigInt(pc.deposit),
          preCommitEpoch: pc.epoch,
        }),
      );
    }
    case "Filecoin.StateSectorGetInfo": {
      const { addr } = miner(host, params[0], "params/0");
      const s = state.sectors[sectorKey(addr, uint(params[1], "params/1"))];
      return v(s === undefined ? null : sectorJson(s));
    }
    case "Filecoin.StateMinerProvingDeadline":
      miner(host, params[0], "params/0");
      return v(deadlineInfoToJson(deadlineAt(state.settings, head)));
    case "Filecoin.StateMinerPartitions": {
      const { addr } = miner(host, params[0], "params/0");
      const dl = uint(params[1], "params/1");
      if (dl >= state.settings.deadlines)
        throw new DevnetCallError(`deadline ${dl} out of range 0..${state.settings.deadlines - 1}`);
      const inDl = sectorsOf(host, addr).filter((s) => s.deadline === dl);
      const count = inDl.reduce((n, s) => Math.max(n, s.partition + 1), 0);
      return v(
        Array.from({ length: count }, (_, i) => {
          const part = inDl.filter((s) => s.partition === i);
          const set = (f: (s: SectorState) => boolean) => sectorRanges(part, f);
          return partitionToJson({
            allSectors: set(() => true),
            faultySectors: set((s) => s.faulty),
            recoveringSectors: set((s) => s.recovering),
            liveSectors: set(() => true),
            activeSectors: set((s) => !s.faulty),
          });
        }),
      );
    }
    case "Filecoin.StateMinerSectors": {
      const { addr } = miner(host, params[0], "params/0");
      const filter = nullable(params[1], "params/1", bitfield);
      const wanted = filter === null ? null : new Set(setFromRanges(filter));
      return v(
        sectorsOf(host, addr)
          .filter((s) => wanted === null || wanted.has(s.sectorNumber))
          .map(sectorJson),
      );
    }
    case "Filecoin.StateSectorPartition": {
      const { addr } = miner(host, params[0], "params/0");
      const n = uint(params[1], "params/1");
      const s = state.sectors[sectorKey(addr, n)];
      // Lotus passes on the actor's FindSector error for a sector in no deadline.
      if (s === undefined) throw new DevnetCallError(`sector ${n} not due at any deadline`);
      return v(sectorLocationToJson({ deadline: s.deadline, partition: s.partition }));
    }
    case "Filecoin.StateMinerFaults":
    case "Filecoin.StateMinerRecoveries": {
      const { addr } = miner(host, params[0], "params/0");
      const wanted =
        method === "Filecoin.StateMinerFaults" ? (s: SectorState) => s.faulty : (s: SectorState) => s.recovering;
      return v(toJson.bitfield(sectorRanges(sectorsOf(host, addr), wanted)));
    }
    case "Filecoin.WalletBalance": {
      const addr = str(params[0], "params/0");
      return v(state.accounts[addr]?.balance ?? state.miners[addr]?.balance ?? "0");
    }
    default:
      throw new DevnetCallError(`method '${method}' not found`, -32601);
  }
}
