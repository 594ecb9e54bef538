// The Lotus v1 API structs sealfarm reads and writes, as sealfarm values plus their JSON (both directions): the
// field names are Lotus' Go names (api/api_full.go, chain/types, go-state-types miner and dline). Pure.
import type { ChainMessage } from "../filecoin/message.js";
import type { SectorPreCommitInfo } from "../filecoin/miner-params.js";
import type { BitRange } from "../filecoin/rle-plus.js";
import {
  address,
  big,
  bitfield,
  bytes,
  type CID,
  cid,
  int,
  LotusJsonError,
  list,
  nullable,
  obj,
  str,
  tipSetKey,
  toJson,
  uint,
} from "./lotus-json.js";

/** Lotus' DomainSeparationTag values (crypto.DomainSeparationTag). */
export const DomainSeparationTag = {
  TicketProduction: 1,
  ElectionProofProduction: 2,
  WinningPoStChallengeSeed: 3,
  WindowedPoStChallengeSeed: 4,
  SealRandomness: 5,
  InteractiveSealChallengeSeed: 6,
  WindowedPoStDeadlineAssignment: 7,
  MarketDealCronSeed: 8,
  PoStChainCommit: 9,
} as const;

// ---- TipSet (ChainHead) ----

export interface TipSet {
  key: CID[];
  height: number;
  /** Of the first block: the base fee that applies to messages in the next tipset. */
  parentBaseFee: bigint;
  /** Unix seconds of the first block. */
  timestamp: number;
}

export function tipSetFromJson(v: unknown, path = "TipSet"): TipSet {
  const o = obj(v, path);
  const blocks = list(o.Blocks, `${path}/Blocks`, obj);
  const first = blocks[0];
  if (first === undefined) throw new LotusJsonError(`${path}/Blocks`, "at least one block header", o.Blocks);
  return {
    key: tipSetKey(o.Cids, `${path}/Cids`),
    height: uint(o.Height, `${path}/Height`),
    parentBaseFee: big(first.ParentBaseFee, `${path}/Blocks/0/ParentBaseFee`),
    timestamp: uint(first.Timestamp, `${path}/Blocks/0/Timestamp`),
  };
}

/** The JSON the devnet serves: Lotus' TipSet with the block-header fields sealfarm and common tools read. */
export function tipSetToJson(t: TipSet, miner: string): unknown {
  return {
    Cids: toJson.tipSetKey(t.key),
    Blocks: t.key.map(() => ({
      Miner: miner,
      Height: t.height,
      ParentBaseFee: toJson.big(t.parentBaseFee),
      Timestamp: t.timestamp,
      Parents: [],
      ParentWeight: "0",
      ParentStateRoot: null,
      ParentMessageReceipts: null,
      Messages: null,
    })),
    Height: t.height,
  };
}

// ---- Message, SignedMessage, MessageSendSpec (MpoolPushMessage) ----

/** Lotus' Message is chain/types Message: the same fields as its CBOR form. */
export type Message = ChainMessage;

export function messageToJson(m: Message): Record<string, unknown> {
  return {
    Version: m.version,
    To: m.to,
    From: m.from,
    Nonce: m.nonce,
    Value: toJson.big(m.value),
    GasLimit: m.gasLimit,
    GasFeeCap: toJson.big(m.gasFeeCap),
    GasPremium: toJson.big(m.gasPremium),
    Method: m.method,
    Params: m.params.length === 0 ? null : toJson.bytes(m.params),
  };
}

export function messageFromJson(v: unknown, path = "Message"): Message {
  const o = obj(v, path);
  return {
    version: uint(o.Version, `${path}/Version`),
    to: address(o.To, `${path}/To`),
    from: address(o.From, `${path}/From`),
    nonce: uint(o.Nonce, `${path}/Nonce`),
    value: big(o.Value, `${path}/Value`),
    gasLimit: int(o.GasLimit, `${path}/GasLimit`),
    gasFeeCap: big(o.GasFeeCap, `${path}/GasFeeCap`),
    gasPremium: big(o.GasPremium, `${path}/GasPremium`),
    method: uint(o.Method, `${path}/Method`),
    params: bytes(o.Params ?? null, `${path}/Params`),
  };
}

export interface MessageSendSpec {
  /** The most the sender pays for this message, in attoFIL; 0 means the node's default. */
  maxFee: bigint;
  /** Lotus de-duplicates pushes by this UUID: the same UUID pushed again answers the first message. */
  msgUuid: string;
}

export function sendSpecToJson(s: MessageSendSpec): unknown {
  return { MaxFee: toJson.big(s.maxFee), MsgUuid: s.msgUuid, MaximizeFeeCap: false };
}

export function sendSpecFromJson(v: unknown, path = "MessageSendSpec"): MessageSendSpec {
  if (v === null || v === undefined) return { maxFee: 0n, msgUuid: "00000000-0000-0000-0000-000000000000" };
  const o = obj(v, path);
  return {
    maxFee: o.MaxFee === undefined ? 0n : big(o.MaxFee, `${path}/MaxFee`),
    msgUuid: o.MsgUuid === undefined ? "00000000-0000-0000-0000-000000000000" : str(o.MsgUuid, `${path}/MsgUuid`),
  };
}

export interface SignedMessage {
  message: Message;
  cid: CID;
}

export function signedMessageFromJson(v: unknown, path = "SignedMessage"): SignedMessage {
  const o = obj(v, path);
  return { message: messageFromJson(o.Message, `${path}/Message`), cid: cid(o.CID, `${path}/CID`) };
}

export function signedMessageToJson(s: SignedMessage, signature: { type: number; data: Uint8Array }): unknown {
  return {
    Message: { ...messageToJson(s.message), CID: toJson.cid(s.cid) },
    Signature: { Type: signature.type, Data: toJson.bytes(signature.data) },
    CID: toJson.cid(s.cid),
  };
}

// ---- MsgLookup (StateSearchMsg, StateWaitMsg) ----

export interface MsgLookup {
  message: CID;
  exitCode: number;
  return: Uint8Array;
  gasUsed: number;
  tipSet: CID[];
  height: number;
}

export function msgLookupFromJson(v: unknown, path = "MsgLookup"): MsgLookup {
  const o = obj(v, path);
  const r = obj(o.Receipt, `${path}/Receipt`);
  return {
    message: cid(o.Message, `${path}/Message`),
    exitCode: int(r.ExitCode, `${path}/Receipt/ExitCode`),
    return: bytes(r.Return ?? null, `${path}/Receipt/Return`),
    gasUsed: int(r.GasUsed, `${path}/Receipt/GasUsed`),
    tipSet: tipSetKey(o.TipSet, `${path}/TipSet`),
    height: uint(o.Height, `${path}/Height`),
  };
}

export function msgLookupToJson(m: MsgLookup): unknown {
  return {
    Message: toJson.cid(m.message),
    Receipt: {
      ExitCode: m.exitCode,
      Return: m.return.length === 0 ? null : toJson.bytes(m.return),
      GasUsed: m.gasUsed,
      EventsRoot: null,
    },
    ReturnDec: null,
    TipSet: toJson.tipSetKey(m.tipSet),
    Height: m.height,
  };
}

// ---- MinerInfo ----

export interface MinerInfo {
  owner: string;
  worker: string;
  controlAddresses: string[];
  sectorSize: number;
  windowPoStProofType: number;
  windowPoStPartitionSectors: number;
}

export function minerInfoFromJson(v: unknown, path = "MinerInfo"): MinerInfo {
  const o = obj(v, path);
  return {
    owner: address(o.Owner, `${path}/Owner`),
    worker: address(o.Worker, `${path}/Worker`),
    controlAddresses: list(o.ControlAddresses, `${path}/ControlAddresses`, address),
    sectorSize: uint(o.SectorSize, `${path}/SectorSize`),
    windowPoStProofType: uint(o.WindowPoStProofType, `${path}/WindowPoStProofType`),
    windowPoStPartitionSectors: uint(o.WindowPoStPartitionSectors, `${path}/WindowPoStPartitionSectors`),
  };
}

export function minerInfoToJson(m: MinerInfo): unknown {
  return {
    Owner: m.owner,
    Worker: m.worker,
    NewWorker: "<empty>",
    ControlAddresses: m.controlAddresses.length === 0 ? null : m.controlAddresses,
    WorkerChangeEpoch: -1,
    PeerId: null,
    Multiaddrs: null,
    WindowPoStProofType: m.windowPoStProofType,
    SectorSize: m.sectorSize,
    WindowPoStPartitionSectors: m.windowPoStPartitionSectors,
    ConsensusFaultElapsed: -1,
    PendingOwnerAddress: null,
    Beneficiary: m.owner,
    BeneficiaryTerm: { Quota: "0", UsedQuota: "0", Expiration: 0 },
    PendingBeneficiaryTerm: null,
  };
}

// ---- SectorPreCommitInfo, SectorPreCommitOnChainInfo, SectorOnChainInfo ----

/** miner.SectorPreCommitInfo: the same fields as PreCommitSectorBatch2's entries. */
export type PreCommitInfo = SectorPreCommitInfo;

export function preCommitInfoToJson(p: PreCommitInfo): unknown {
  return {
    SealProof: p.sealProof,
    SectorNumber: p.sectorNumber,
    SealedCID: toJson.cid(p.sealedCid),
    SealRandEpoch: p.sealRandEpoch,
    DealIDs: p.dealIds.length === 0 ? null : p.dealIds,
    Expiration: p.expiration,
    UnsealedCid: p.unsealedCid === null ? null : toJson.cid(p.unsealedCid),
  };
}

export function preCommitInfoFromJson(v: unknown, path = "SectorPreCommitInfo"): PreCommitInfo {
  const o = obj(v, path);
  return {
    sealProof: uint(o.SealProof, `${path}/SealProof`),
    sectorNumber: uint(o.SectorNumber, `${path}/SectorNumber`),
    sealedCid: cid(o.SealedCID, `${path}/SealedCID`),
    sealRandEpoch: int(o.SealRandEpoch, `${path}/SealRandEpoch`),
    dealIds: list(o.DealIDs, `${path}/DealIDs`, uint),
    expiration: int(o.Expiration, `${path}/Expiration`),
    unsealedCid: nullable(o.UnsealedCid, `${path}/UnsealedCid`, cid),
  };
}

export interface PreCommitOnChain {
  info: PreCommitInfo;
  preCommitDeposit: bigint;
  preCommitEpoch: number;
}

export function preCommitOnChainFromJson(v: unknown, path = "SectorPreCommitOnChainInfo"): PreCommitOnChain {
  const o = obj(v, path);
  return {
    info: preCommitInfoFromJson(o.Info, `${path}/Info`),
    preCommitDeposit: big(o.PreCommitDeposit, `${path}/PreCommitDeposit`),
    preCommitEpoch: int(o.PreCommitEpoch, `${path}/PreCommitEpoch`),
  };
}

export function preCommitOnChainToJson(p: PreCommitOnChain): unknown {
  return {
    Info: preCommitInfoToJson(p.info),
    PreCommitDeposit: toJson.big(p.preCommitDeposit),
    PreCommitEpoch: p.preCommitEpoch,
  };
}

export interface SectorOnChain {
  sectorNumber: number;
  sealProof: number;
  sealedCid: CID;
  activation: number;
  expiration: number;
  initialPledge: bigint;
  /** The CommR before a snap upgrade; null for a sector never upgraded. */
  sectorKeyCid: CID | null;
}

export function sectorOnChainFromJson(v: unknown, path = "SectorOnChainInfo"): SectorOnChain {
  const o = obj(v, path);
  return {
    sectorNumber: uint(o.SectorNumber, `${path}/SectorNumber`),
    sealProof: uint(o.SealProof, `${path}/SealProof`),
    sealedCid: cid(o.SealedCID, `${path}/SealedCID`),
    activation: int(o.Activation, `${path}/Activation`),
    expiration: int(o.Expiration, `${path}/Expiration`),
    initialPledge: big(o.InitialPledge, `${path}/InitialPledge`),
    sectorKeyCid: nullable(o.SectorKeyCID, `${path}/SectorKeyCID`, cid),
  };
}

export function sectorOnChainToJson(s: SectorOnChain): unknown {
  return {
    SectorNumber: s.sectorNumber,
    SealProof: s.sealProof,
    SealedCID: toJson.cid(s.sealedCid),
    DeprecatedDealIDs: null,
    Activation: s.activation,
    Expiration: s.expiration,
    DealWeight: "0",
    VerifiedDealWeight: "0",
    InitialPledge: toJson.big(s.initialPledge),
    ExpectedDayReward: "0",
    ExpectedStoragePledge: "0",
    PowerBaseEpoch: s.activation,
    ReplacedDayReward: "0",
    SectorKeyCID: s.sectorKeyCid === null ? null : toJson.cid(s.sectorKeyCid),
    Flags: 0,
  };
}

// ---- dline.Info (StateMinerProvingDeadline), Partition (StateMinerPartitions) ----

export interface DeadlineInfo {
  currentEpoch: number;
  periodStart: number;
  index: number;
  open: number;
  close: number;
  challenge: number;
  faultCutoff: number;
  periodDeadlines: number;
  provingPeriod: number;
  challengeWindow: number;
  challengeLookback: number;
  faultDeclarationCutoff: number;
}

const DEADLINE_FIELDS: [keyof DeadlineInfo, string][] = [
  ["currentEpoch", "CurrentEpoch"],
  ["periodStart", "PeriodStart"],
  ["index", "Index"],
  ["open", "Open"],
  ["close", "Close"],
  ["challenge", "Challenge"],
  ["faultCutoff", "FaultCutoff"],
  ["periodDeadlines", "WPoStPeriodDeadlines"],
  ["provingPeriod", "WPoStProvingPeriod"],
  ["challengeWindow", "WPoStChallengeWindow"],
  ["challengeLookback", "WPoStChallengeLookback"],
  ["faultDeclarationCutoff", "FaultDeclarationCutoff"],
];

export function deadlineInfoFromJson(v: unknown, path = "DeadlineInfo"): DeadlineInfo {
  const o = obj(v, path);
  const out = {} as DeadlineInfo;
  for (const [k, json] of DEADLINE_FIELDS) out[k] = int(o[json], `${path}/${json}`);
  return out;
}

export function deadlineInfoToJson(d: DeadlineInfo): unknown {
  return Object.fromEntries(DEADLINE_FIELDS.map(([k, json]) => [json, d[k]]));
}

export interface Partition {
  allSectors: BitRange[];
  faultySectors: BitRange[];
  recoveringSectors: BitRange[];
  liveSectors: BitRange[];
  activeSectors: BitRange[];
}

const PARTITION_FIELDS: [keyof Partition, string][] = [
  ["allSectors", "AllSectors"],
  ["faultySectors", "FaultySectors"],
  ["recoveringSectors", "RecoveringSectors"],
  ["liveSectors", "LiveSectors"],
  ["activeSectors", "ActiveSectors"],
];

export function partitionFromJson(v: unknown, path = "Partition"): Partition {
  const o = obj(v, path);
  const out = {} as Partition;
  for (const [k, json] of PARTITION_FIELDS) out[k] = bitfield(o[json], `${path}/${json}`);
  return out;
}

export function partitionToJson(p: Partition): unknown {
  return Object.fromEntries(PARTITION_FIELDS.map(([k, json]) => [json, toJson.bitfield(p[k])]));
}

// ---- miner.SectorLocation (StateSectorPartition) ----

export interface SectorLocation {
  deadline: number;
  partition: number;
}

export function sectorLocationFromJson(v: unknown, path = "SectorLocation"): SectorLocation {
  const o = obj(v, path);
  return { deadline: uint(o.Deadline, `${path}/Deadline`), partition: uint(o.Partition, `${path}/Partition`) };
}

export function sectorLocationToJson(l: SectorLocation): unknown {
  return { Deadline: l.deadline, Partition: l.partition };
}
