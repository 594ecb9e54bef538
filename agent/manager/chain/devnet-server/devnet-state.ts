// The state of the devnet that serves the Lotus API: genesis, settings, accounts, miners, PreCommits, sectors and
// messages, kept as one JSON document (BigInts as decimal strings, CIDs as strings) so a restart continues exactly
// where the last acknowledged change left it. Pure, apart from `loadState`/`saveState`.
import { join } from "node:path";
import { blake2b } from "@noble/hashes/blake2.js";
import { sealProofInfo } from "../../../../components/core/proofs/registered-proofs.js";
import { readFileIfExists, writeFileAtomic } from "../../../shared/atomic-file.js";
import { formatAddress, idAddress } from "../filecoin/address.js";
import { proofTypesForSeal } from "../filecoin/miner-methods.js";

export interface DevnetSettings {
  blockTimeMs: number;
  precommitChallengeDelay: number;
  provingPeriod: number;
  deadlines: number;
  partitionSectors: number;
  /** How far behind the inclusion epoch a PreCommit's seal_rand_epoch may be (Lotus: 3780 epochs). */
  maxTicketAge: number;
  /** Epochs before a deadline opens that its challenge is drawn (Lotus: 20). */
  challengeLookback: number;
  networkVersion: number;
  /** attoFIL per sector. */
  precommitDeposit: string;
  initialPledge: string;
  baseFee: string;
}

export function defaultDevnetSettings(): DevnetSettings {
  return {
    blockTimeMs: 1000,
    precommitChallengeDelay: 10,
    provingPeriod: 40,
    deadlines: 4,
    partitionSectors: 2349,
    maxTicketAge: 3780,
    challengeLookback: 1,
    networkVersion: 23,
    precommitDeposit: "1000000000000000",
    initialPledge: "5000000000000000",
    baseFee: "100",
  };
}

const INTEGER_SETTINGS: { key: keyof DevnetSettings; min: number }[] = [
  { key: "blockTimeMs", min: 1 },
  { key: "precommitChallengeDelay", min: 1 },
  { key: "provingPeriod", min: 1 },
  { key: "deadlines", min: 1 },
  { key: "partitionSectors", min: 1 },
  { key: "maxTicketAge", min: 1 },
  { key: "challengeLookback", min: 0 },
  { key: "networkVersion", min: 0 },
];
const ATTO_SETTINGS: (keyof DevnetSettings)[] = ["precommitDeposit", "initialPledge", "baseFee"];

/** What is wrong with `s`, one line per key ("/settings/<key>: expected …, got …"). */
export function settingsProblems(s: DevnetSettings): string[] {
  const problems: string[] = [];
  for (const { key, min } of INTEGER_SETTINGS) {
    const v = s[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
      problems.push(`/settings/${key}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  for (const key of ATTO_SETTINGS) {
    const v = s[key];
    if (typeof v !== "string" || !/^[0-9]+$/.test(v))
      problems.push(`/settings/${key}: expected attoFIL as a decimal string, got ${JSON.stringify(v)}`);
  }
  if (problems.length === 0 && s.provingPeriod % s.deadlines !== 0)
    problems.push(`/settings/provingPeriod: expected a multiple of deadlines (${s.deadlines}), got ${s.provingPeriod}`);
  if (problems.length === 0 && s.challengeLookback >= s.provingPeriod / s.deadlines)
    problems.push(
      `/settings/challengeLookback: expected less than a deadline's ${s.provingPeriod / s.deadlines} epochs, got ${s.challengeLookback}`,
    );
  return problems;
}

/**
 * A later start on an existing chain: settings asked for must be the ones the chain was created with (changing
 * the block time or the proving period would move every epoch and deadline already on chain), and a miner asked
 * for must seal with the same proof. Miners the chain does not have yet are added (with a funded worker), so a
 * farm can grow. Returns the problems, each naming its key; `state` is changed only when there are none.
 */
export function reconcileState(
  state: DevnetState,
  settings: Partial<DevnetSettings>,
  miners: { actor: number; sealProof: number }[],
): string[] {
  const problems: string[] = [];
  for (const [key, want] of Object.entries(settings) as [keyof DevnetSettings, unknown][])
    if (want !== undefined && state.settings[key] !== want)
      problems.push(
        `/settings/${key}: the chain was created with ${JSON.stringify(state.settings[key])}, asked for ${JSON.stringify(want)} (start a new chain in another directory to change it)`,
      );
  const added: { actor: number; sealProof: number }[] = [];
  for (const m of miners) {
    const have = state.miners[formatAddress(idAddress(m.actor))];
    if (have === undefined) added.push(m);
    else if (have.sealProof !== m.sealProof)
      problems.push(
        `/miners/f0${m.actor}/sealProof: the chain has the miner sealing ${have.sealProof}, asked for ${m.sealProof}`,
      );
  }
  if (problems.length === 0) for (const m of added) addMiner(state, m);
  return problems;
}

/** A miner actor with a new worker account (the next free f0100 + i) holding 1000 FIL. */
function addMiner(state: DevnetState, m: { actor: number; sealProof: number }): void {
  const info = sealProofInfo(m.sealProof);
  if (info === undefined) throw new RangeError(`miner f0${m.actor}: unknown seal proof ${m.sealProof}`);
  let id = 100;
  while (state.accounts[formatAddress(idAddress(id))] !== undefined) id++;
  const worker = formatAddress(idAddress(id));
  state.accounts[worker] = { balance: (1000n * 10n ** 18n).toString(), nonce: 0 };
  state.miners[formatAddress(idAddress(m.actor))] = {
    owner: worker,
    worker,
    sealProof: m.sealProof,
    sectorSize: info.sectorSizeBytes,
    windowPoStProofType: proofTypesForSeal(m.sealProof).windowPoSt,
    balance: "0",
    locked: "0",
  };
}

export interface AccountState {
  balance: string;
  nonce: number;
}

export interface MinerState {
  owner: string;
  worker: string;
  sealProof: number;
  sectorSize: number;
  windowPoStProofType: number;
  /** attoFIL held by the actor, and the part locked as deposits and pledge. */
  balance: string;
  locked: string;
}

export interface PreCommitState {
  /** Lotus' SectorPreCommitInfo JSON. */
  info: unknown;
  deposit: string;
  epoch: number;
}

export interface SectorState {
  sectorNumber: number;
  sealProof: number;
  sealedCid: string;
  /** The CommR before a snap upgrade (Lotus' SectorKeyCID); null (or absent in older state files) for a sector never upgraded. */
  sectorKeyCid?: string | null;
  /** Whether the sector holds data (pieces at ProveCommit or a snap upgrade): only a CC sector can be upgraded. */
  hasData?: boolean;
  activation: number;
  expiration: number;
  initialPledge: string;
  deadline: number;
  partition: number;
  faulty: boolean;
  recovering: boolean;
}

export interface MessageState {
  cid: string;
  /** Lotus' Message JSON (nonce and gas filled in). */
  message: Record<string, unknown>;
  uuid: string;
  includedEpoch: number;
  /** Dropped from the mpool by the Devnet.DropMessage test hook: never lands. */
  dropped?: boolean;
  receipt: { exitCode: number; gasUsed: number; return: string; error: string } | null;
}

export interface DevnetState {
  version: 1;
  genesis: { timeMs: number; seedHex: string };
  settings: DevnetSettings;
  accounts: Record<string, AccountState>;
  miners: Record<string, MinerState>;
  /** Keyed "f01000/42". */
  precommits: Record<string, PreCommitState>;
  sectors: Record<string, SectorState>;
  messages: MessageState[];
  /** WindowPoSt: partitions proven per "miner/deadline-open-epoch". */
  proven: Record<string, number[]>;
  /** The last epoch whose deadline ends were processed (faults for partitions not proven). */
  cronEpoch: number;
}

export const sectorKey = (miner: string, sector: number) => `${miner}/${sector}`;

/** Genesis: one worker account per miner (f0100, f0101, …) with 1000 FIL, each miner f0<actor>. */
export function genesisState(
  settings: DevnetSettings,
  miners: { actor: number; sealProof: number }[],
  timeMs: number,
  seedHex: string,
): DevnetState {
  const state: DevnetState = {
    version: 1,
    genesis: { timeMs, seedHex },
    settings,
    accounts: {},
    miners: {},
    precommits: {},
    sectors: {},
    messages: [],
    proven: {},
    cronEpoch: 0,
  };
  for (const m of miners) addMiner(state, m);
  return state;
}

export function headAt(state: DevnetState, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - state.genesis.timeMs) / state.settings.blockTimeMs));
}

export function epochStartMs(state: DevnetState, epoch: number): number {
  return state.genesis.timeMs + epoch * state.settings.blockTimeMs;
}

/**
 * Chain randomness: blake2b-256(genesis seed ‖ source ‖ i64be(dst) ‖ i64be(epoch) ‖ entropy). Lotus draws from
 * the ticket chain or the drand beacon; the devnet draws both from its seed, keeping the inputs that matter
 * (tag, epoch, entropy) so a wrong one gives a different value.
 */
export function devnetRandomness(
  state: DevnetState,
  source: "tickets" | "beacon",
  dst: number,
  epoch: number,
  entropy: Uint8Array,
): Uint8Array {
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(BigInt(dst), 0);
  head.writeBigInt64BE(BigInt(epoch), 8);
  return blake2b(Buffer.concat([Buffer.from(state.genesis.seedHex, "hex"), Buffer.from(source), head, entropy]), {
    dkLen: 32,
  });
}

/** The proving deadline open at `epoch` (every miner's proving period starts at epoch 0). */
export function deadlineAt(s: DevnetSettings, epoch: number) {
  const window = s.provingPeriod / s.deadlines;
  const periodStart = epoch - (epoch % s.provingPeriod);
  const index = Math.floor((epoch - periodStart) / window);
  const open = periodStart + index * window;
  return {
    currentEpoch: epoch,
    periodStart,
    index,
    open,
    close: open + window,
    challenge: open - s.challengeLookback,
    faultCutoff: open - s.challengeLookback,
    periodDeadlines: s.deadlines,
    provingPeriod: s.provingPeriod,
    challengeWindow: window,
    challengeLookback: s.challengeLookback,
    faultDeclarationCutoff: s.challengeLookback,
  };
}

const STATE_FILE = "devnet-state.json";

export const stateFile = (dir: string) => join(dir, STATE_FILE);

export function loadState(dir: string): DevnetState | undefined {
  const text = readFileIfExists(stateFile(dir));
  if (text === undefined) return undefined;
  let state: DevnetState;
  try {
    state = JSON.parse(text) as DevnetState;
  } catch (error) {
    throw new Error(`${stateFile(dir)}: not JSON (${(error as Error).message})`);
  }
  if (state.version !== 1) throw new Error(`${stateFile(dir)}: /version: expected 1, got ${state.version}`);
  return state;
}

export function saveState(dir: string, state: DevnetState): void {
  writeFileAtomic(stateFile(dir), JSON.stringify(state));
}
