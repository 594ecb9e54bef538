// The one client of a Lotus full node's v1 JSON-RPC API (`Filecoin.*` over HTTP POST, `Authorization: Bearer`),
// typed for the methods sealfarm uses. Every failure is a ChainError, temporary or permanent (chain-errors.ts); the
// token is sent in the header only and never appears in an error, a log line or `describe()`.
import http from "node:http";
import https from "node:https";
import { encodeRequest } from "../../../shared/rpc/json-rpc.js";
import { postJson } from "../../../shared/rpc/post-json.js";
import type { BitRange } from "../filecoin/rle-plus.js";
import { ChainError, classifyHttpStatus, classifyRpcError, classifyTransportError } from "./chain-errors.js";
import { address, big, bitfield, bytes, type CID, list, nullable, toJson, uint } from "./lotus-json.js";
import {
  type DeadlineInfo,
  deadlineInfoFromJson,
  type Message,
  type MessageSendSpec,
  type MinerInfo,
  type MsgLookup,
  messageToJson,
  minerInfoFromJson,
  msgLookupFromJson,
  type Partition,
  type PreCommitInfo,
  type PreCommitOnChain,
  partitionFromJson,
  preCommitInfoToJson,
  preCommitOnChainFromJson,
  type SectorLocation,
  type SectorOnChain,
  type SignedMessage,
  sectorLocationFromJson,
  sectorOnChainFromJson,
  sendSpecToJson,
  signedMessageFromJson,
  type TipSet,
  tipSetFromJson,
} from "./lotus-shapes.js";

export interface LotusClientOptions {
  /** The v1 endpoint, e.g. "http://127.0.0.1:1234/rpc/v1" (api-info.ts normalizes other forms). */
  url: string;
  token?: string | undefined;
  /** Per call, except StateWaitMsg which waits as long as the chain takes (bounded by `waitTimeoutMs`). */
  timeoutMs?: number;
  waitTimeoutMs?: number;
}

/** Lotus' api.LookbackNoLimit: search the whole chain. */
export const LOOKBACK_NO_LIMIT = -1;

/** builtin-actors' miner State::find_sector error for a sector in no deadline (as Lotus passes it on). */
const SECTOR_NOT_DUE = /sector \d+ not due at any deadline/;

/** The empty TipSetKey: "at the head". */
const HEAD: CID[] = [];

export interface LotusClient {
  /** The endpoint without any secret, for logs. */
  describe(): string;
  chainHead(): Promise<TipSet>;
  stateNetworkVersion(tsk?: CID[]): Promise<number>;
  stateMinerInfo(miner: string, tsk?: CID[]): Promise<MinerInfo>;
  stateLookupId(addr: string, tsk?: CID[]): Promise<string>;
  stateGetRandomnessFromTickets(dst: number, epoch: number, entropy: Uint8Array, tsk?: CID[]): Promise<Uint8Array>;
  stateGetRandomnessFromBeacon(dst: number, epoch: number, entropy: Uint8Array, tsk?: CID[]): Promise<Uint8Array>;
  stateMinerPreCommitDepositForPower(miner: string, info: PreCommitInfo, tsk?: CID[]): Promise<bigint>;
  stateMinerInitialPledgeCollateral(miner: string, info: PreCommitInfo, tsk?: CID[]): Promise<bigint>;
  mpoolPushMessage(msg: Message, spec: MessageSendSpec): Promise<SignedMessage>;
  stateSearchMsg(msg: CID, opts?: { tsk?: CID[]; limit?: number; allowReplaced?: boolean }): Promise<MsgLookup | null>;
  stateWaitMsg(msg: CID, confidence: number, opts?: { limit?: number; allowReplaced?: boolean }): Promise<MsgLookup>;
  stateSectorPreCommitInfo(miner: string, sector: number, tsk?: CID[]): Promise<PreCommitOnChain | null>;
  stateSectorGetInfo(miner: string, sector: number, tsk?: CID[]): Promise<SectorOnChain | null>;
  stateMinerProvingDeadline(miner: string, tsk?: CID[]): Promise<DeadlineInfo>;
  stateMinerPartitions(miner: string, deadline: number, tsk?: CID[]): Promise<Partition[]>;
  stateMinerSectors(miner: string, sectors: BitRange[] | null, tsk?: CID[]): Promise<SectorOnChain[]>;
  /** The deadline and partition a sector is assigned to; null when the miner has no such (live) sector. */
  stateSectorPartition(miner: string, sector: number, tsk?: CID[]): Promise<SectorLocation | null>;
  /** The miner's faulty sectors, across all deadlines. */
  stateMinerFaults(miner: string, tsk?: CID[]): Promise<BitRange[]>;
  /** The miner's sectors declared recovering and not yet proven. */
  stateMinerRecoveries(miner: string, tsk?: CID[]): Promise<BitRange[]>;
  walletBalance(addr: string): Promise<bigint>;
  /** Any method, raw JSON in and out (tests, and methods not typed yet). */
  call(method: string, params: readonly unknown[], timeoutMs?: number): Promise<unknown>;
  close(): void;
}

/** The URL as it may be logged: no userinfo, no query (some proxies take a token there). */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}

export function createLotusClient(options: LotusClientOptions): LotusClient {
  const endpoint = new URL(options.url);
  const secure = endpoint.protocol === "https:";
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const where = redactedUrl(options.url);
  let nextId = 1;

  function post(method: string, body: string, limitMs: number): Promise<{ status: number; text: string }> {
    return postJson({
      endpoint,
      agent,
      token: options.token,
      body,
      timeoutMs: limitMs,
      timeoutError: () => new ChainError("temporary", method, `no reply from ${where} within ${limitMs} ms`),
      transportError: (e) => (e instanceof ChainError ? e : transportError(method, e)),
    });
  }

  function transportError(method: string, e: Error & { code?: string }): ChainError {
    return new ChainError(classifyTransportError(e.code), method, `${where} unreachable: ${e.code ?? e.message}`);
  }

  async function call(method: string, params: readonly unknown[], limitMs = timeoutMs): Promise<unknown> {
    const full = `Filecoin.${method}`;
    const { status, text } = await post(method, encodeRequest(nextId++, full, params), limitMs);
    let reply: { result?: unknown; error?: { code?: unknown; message?: unknown } } | null = null;
    try {
      reply = JSON.parse(text);
    } catch {
      reply = null;
    }
    const error = reply !== null && typeof reply === "object" ? reply.error : undefined;
    if (error && typeof error === "object")
      throw classifyRpcError(method, Number(error.code), String(error.message ?? ""));
    const httpKind = classifyHttpStatus(status);
    if (httpKind !== null)
      throw new ChainError(
        httpKind,
        method,
        `${where} answered HTTP ${status}${httpHint(status)}: ${text.slice(0, 200)}`,
      );
    if (reply === null || typeof reply !== "object")
      throw new ChainError("temporary", method, `${where} answered something that is not a JSON-RPC reply`);
    // go-jsonrpc leaves `result` out when it is null.
    return reply.result ?? null;
  }

  /** Decodes a reply; a reply of the wrong shape is permanent (another API version), named by its path. */
  async function typed<T>(method: string, params: readonly unknown[], decode: (v: unknown) => T, limitMs?: number) {
    const raw = await call(method, params, limitMs);
    try {
      return decode(raw);
    } catch (e) {
      throw new ChainError("permanent", method, `unexpected reply: ${(e as Error).message}`);
    }
  }

  const tskJson = (tsk: CID[] | undefined) => toJson.tipSetKey(tsk ?? HEAD);

  return {
    describe: () => where,
    chainHead: () => typed("ChainHead", [], (v) => tipSetFromJson(v)),
    stateNetworkVersion: (tsk) => typed("StateNetworkVersion", [tskJson(tsk)], (v) => uint(v, "NetworkVersion")),
    stateMinerInfo: (miner, tsk) => typed("StateMinerInfo", [miner, tskJson(tsk)], (v) => minerInfoFromJson(v)),
    stateLookupId: (addr, tsk) => typed("StateLookupID", [addr, tskJson(tsk)], (v) => address(v, "Address")),
    stateGetRandomnessFromTickets: (dst, epoch, entropy, tsk) =>
      typed("StateGetRandomnessFromTickets", [dst, epoch, toJson.bytes(entropy), tskJson(tsk)], (v) =>
        bytes(v, "Randomness"),
      ),
    stateGetRandomnessFromBeacon: (dst, epoch, entropy, tsk) =>
      typed("StateGetRandomnessFromBeacon", [dst, epoch, toJson.bytes(entropy), tskJson(tsk)], (v) =>
        bytes(v, "Randomness"),
      ),
    stateMinerPreCommitDepositForPower: (miner, info, tsk) =>
      typed("StateMinerPreCommitDepositForPower", [miner, preCommitInfoToJson(info), tskJson(tsk)], (v) =>
        big(v, "BigInt"),
      ),
    stateMinerInitialPledgeCollateral: (miner, info, tsk) =>
      typed("StateMinerInitialPledgeCollateral", [miner, preCommitInfoToJson(info), tskJson(tsk)], (v) =>
        big(v, "BigInt"),
      ),
    mpoolPushMessage: (msg, spec) =>
      typed("MpoolPushMessage", [messageToJson(msg), sendSpecToJson(spec)], (v) => signedMessageFromJson(v)),
    stateSearchMsg: (msg, opts = {}) =>
      typed(
        "StateSearchMsg",
        [tskJson(opts.tsk), toJson.cid(msg), opts.limit ?? LOOKBACK_NO_LIMIT, opts.allowReplaced ?? true],
        (v) => nullable(v, "MsgLookup", msgLookupFromJson),
      ),
    stateWaitMsg: (msg, confidence, opts = {}) =>
      typed(
        "StateWaitMsg",
        [toJson.cid(msg), confidence, opts.limit ?? LOOKBACK_NO_LIMIT, opts.allowReplaced ?? true],
        (v) => msgLookupFromJson(v),
        options.waitTimeoutMs ?? 3_600_000,
      ),
    stateSectorPreCommitInfo: (miner, sector, tsk) =>
      typed("StateSectorPreCommitInfo", [miner, sector, tskJson(tsk)], (v) =>
        nullable(v, "SectorPreCommitOnChainInfo", preCommitOnChainFromJson),
      ),
    stateSectorGetInfo: (miner, sector, tsk) =>
      typed("StateSectorGetInfo", [miner, sector, tskJson(tsk)], (v) =>
        nullable(v, "SectorOnChainInfo", sectorOnChainFromJson),
      ),
    stateMinerProvingDeadline: (miner, tsk) =>
      typed("StateMinerProvingDeadline", [miner, tskJson(tsk)], (v) => deadlineInfoFromJson(v)),
    stateMinerPartitions: (miner, deadline, tsk) =>
      typed("StateMinerPartitions", [miner, deadline, tskJson(tsk)], (v) => list(v, "Partitions", partitionFromJson)),
    stateMinerSectors: (miner, sectors, tsk) =>
      typed("StateMinerSectors", [miner, sectors === null ? null : toJson.bitfield(sectors), tskJson(tsk)], (v) =>
        list(v, "Sectors", sectorOnChainFromJson),
      ),
    stateSectorPartition: async (miner, sector, tsk) => {
      try {
        return await typed("StateSectorPartition", [miner, sector, tskJson(tsk)], (v) =>
          nullable(v, "SectorLocation", sectorLocationFromJson),
        );
      } catch (e) {
        // Lotus answers a sector that is in no deadline with an error (the actor's FindSector), not with null.
        if (e instanceof ChainError && SECTOR_NOT_DUE.test(e.message)) return null;
        throw e;
      }
    },
    stateMinerFaults: (miner, tsk) => typed("StateMinerFaults", [miner, tskJson(tsk)], (v) => bitfield(v, "BitField")),
    stateMinerRecoveries: (miner, tsk) =>
      typed("StateMinerRecoveries", [miner, tskJson(tsk)], (v) => bitfield(v, "BitField")),
    walletBalance: (addr) => typed("WalletBalance", [addr], (v) => big(v, "BigInt")),
    call,
    close: () => agent.destroy(),
  };
}

function httpHint(status: number): string {
  if (status === 401) return " (the token is missing or invalid)";
  if (status === 403) return " (the token lacks a permission: sealfarm needs read, write and sign)";
  if (status === 404) return " (is the URL's path /rpc/v1?)";
  return "";
}
