// The manager's configuration as the code uses it (absolute paths, milliseconds, proof ids), resolved from the TOML
// shape and its defaults (components/core/config/manager-toml.ts, which the provisioner renders too). Pure.
import { isAbsolute, join } from "node:path";
import { ConfigError, type ConfigProblem } from "../../../components/core/config/config-error.js";
import type { ManagerToml } from "../../../components/core/config/manager-toml.js";
import { sealProofByName } from "../../../components/core/proofs/registered-proofs.js";
import { MAX_TIMER_MS, parseDurationMs } from "../../../components/core/units/duration.js";
import { cidrProblem } from "../../shared/auth/trusted-addresses.js";
import { type ChainTarget, parseChainTarget } from "../chain/chain-target.js";
import { parseFil } from "../chain/filecoin/big-int.js";
import { type CommitPolicy, defaultCommitPolicy } from "../chain/sealing-messages.js";

export interface MinerConfig {
  actor: number;
  sealProof: number;
  minNumber: number;
  maxNumber: number;
  enableDeals: boolean;
}

export interface PersistStoreConfig {
  name: string;
  path: string;
  readOnly: boolean;
  weight: number;
}

/** The chain: which one (target), the devnet's own settings (used only when the manager starts it), the fees. */
export interface ChainConfig {
  target: ChainTarget;
  blockTimeMs: number;
  precommitChallengeDelay: number;
  confidence: number;
  /** Epochs behind the head a ticket is drawn at (SealRandomnessLookback). */
  ticketLookback: number;
  provingPeriod: number;
  deadlines: number;
  /** attoFIL: the most one message of each kind may pay in gas. */
  maxFee: Record<ChainMessageKind, bigint>;
}

export type ChainMessageKind = "precommit" | "provecommit" | "wdpost" | "recovery" | "snapup";

export interface BatchRule {
  maxBatch: number;
  maxWaitMs: number;
}

export interface BatchingConfig {
  precommit: BatchRule;
  provecommit: BatchRule;
  commitPolicy: CommitPolicy;
}

export interface ManagerConfig {
  home: string;
  host: string;
  port: number;
  dbUrl: string;
  sqliteSynchronous: "full" | "normal";
  maxBodyBytes: number;
  maxDepth: number;
  openMetrics: boolean;
  limits: {
    maxConnections: number;
    maxConnectionsPerIp: number;
    headerTimeoutMs: number;
    idleTimeoutMs: number;
    bodyTimeoutMs: number;
  };
  /** An `Allocated` sector no worker reported on for this long is reclaimed (aborted, in its timeline). */
  reclaimAllocatedAfterMs: number;
  /** A second listener serving the same routes over TLS; undefined when tls.listen is empty. */
  tls: { host: string; port: number; certFile: string; keyFile: string } | undefined;
  secretFile: string;
  trusted: string[];
  chain: ChainConfig;
  batching: BatchingConfig;
  post: { heartbeatTimeoutMs: number; jobMaxTry: number };
  proofsBin: string;
  pieceStorePath: string;
  miners: MinerConfig[];
  persistStores: PersistStoreConfig[];
}

function resolvePath(home: string, p: string): string {
  return isAbsolute(p) ? p : join(home, p);
}

/** `sqlite://manager.db` is relative to the home directory; `sqlite:///abs/path` and postgres URLs are kept. */
export function resolveDbUrl(home: string, url: string): string {
  if (!url.startsWith("sqlite://")) return url;
  return `sqlite://${resolvePath(home, url.slice("sqlite://".length))}`;
}

/** Splits "host:port" ("[::1]:1789" for IPv6). The schema already checked the shape. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):([0-9]+)$/.exec(listen);
  if (m === null) throw new RangeError(`listen: expected "host:port", got ${JSON.stringify(listen)}`);
  return { host: m[1] ?? m[2] ?? "", port: Number(m[3]) };
}

/**
 * Range checks the schema cannot say: durations that must be positive and fit a timer, the listen port, the
 * trusted CIDRs, paths without `..` segments. Each problem names the file and the key.
 */
function rangeProblems(toml: ManagerToml, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const durations: [string, string, number][] = [
    ["/chain/block_time", toml.chain.block_time, 1],
    ["/batching/max_wait", toml.batching.max_wait, 0],
    ["/batching/precommit_max_wait", toml.batching.precommit_max_wait ?? "0s", 0],
    ["/batching/provecommit_max_wait", toml.batching.provecommit_max_wait ?? "0s", 0],
    ["/post/heartbeat_timeout", toml.post.heartbeat_timeout, 1],
  ];
  for (const [at, text, min] of durations) {
    const ms = parseDurationMs(text);
    if (ms < min || ms > MAX_TIMER_MS)
      problems.push({
        file,
        pointer: at,
        message: `expected a duration ${min > 0 ? "above 0" : "of 0 or more"} and at most 24 days (2147483647ms), got ${JSON.stringify(text)}`,
      });
  }
  const listen = /:([0-9]+)$/.exec(toml.listen);
  if (listen !== null && Number(listen[1]) > 65535)
    problems.push({
      file,
      pointer: "/listen",
      message: `expected a port 0-65535 in "host:port", got ${JSON.stringify(toml.listen)}`,
    });
  toml.auth.trusted.forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem !== null) problems.push({ file, pointer: `/auth/trusted/${i}`, message: problem });
  });
  const paths: [string, string][] = [
    ["/auth/secret_file", toml.auth.secret_file],
    ["/proofs/bin", toml.proofs.bin],
    ["/piece_store/path", toml.piece_store.path],
    ...toml.persist_stores.map((s, i): [string, string] => [`/persist_stores/${i}/path`, s.path]),
  ];
  if (toml.db.url.startsWith("sqlite://")) paths.push(["/db/url", toml.db.url.slice("sqlite://".length)]);
  for (const [at, p] of paths)
    if (p.split(/[\\/]/).includes(".."))
      problems.push({ file, pointer: at, message: `expected a path without ".." segments, got ${JSON.stringify(p)}` });
  return problems;
}

/** Turns a schema-valid TOML object into the resolved config. Cross-field errors name the key. */
export function resolveManagerConfig(home: string, toml: ManagerToml, file: string): ManagerConfig {
  const problems: ConfigProblem[] = rangeProblems(toml, file);
  const miners: MinerConfig[] = toml.miners.map((m, i) => {
    const proof = sealProofByName(m.seal_proof);
    if (proof === undefined)
      problems.push({
        file,
        pointer: `/miners/${i}/seal_proof`,
        message: `unknown seal proof ${JSON.stringify(m.seal_proof)}`,
      });
    else if (!/V1(_1)?$/.test(proof.name))
      problems.push({
        file,
        pointer: `/miners/${i}/seal_proof`,
        message: `expected an interactive PoRep type (StackedDrg<size>V1_1): synthetic and non-interactive PoRep are not supported, got ${JSON.stringify(m.seal_proof)}`,
      });
    if (m.max_number < m.min_number)
      problems.push({
        file,
        pointer: `/miners/${i}/max_number`,
        message: `expected ≥ min_number (${m.min_number}), got ${m.max_number}`,
      });
    return {
      actor: m.actor,
      sealProof: proof?.id ?? -1,
      minNumber: m.min_number,
      maxNumber: m.max_number,
      enableDeals: m.enable_deals,
    };
  });
  const actors = new Set<number>();
  toml.miners.forEach((m, i) => {
    if (actors.has(m.actor))
      problems.push({ file, pointer: `/miners/${i}/actor`, message: `actor ${m.actor} is listed twice` });
    actors.add(m.actor);
  });
  const names = new Set<string>();
  toml.persist_stores.forEach((s, i) => {
    if (names.has(s.name))
      problems.push({
        file,
        pointer: `/persist_stores/${i}/name`,
        message: `store ${JSON.stringify(s.name)} is listed twice`,
      });
    names.add(s.name);
  });
  if (toml.chain.proving_period % toml.chain.deadlines !== 0)
    problems.push({
      file,
      pointer: "/chain/proving_period",
      message: `expected a multiple of chain.deadlines (${toml.chain.deadlines}), got ${toml.chain.proving_period}`,
    });
  const ms = (key: string, value: string, min: number): number => {
    const v = parseDurationMs(value);
    if (!(v >= min))
      problems.push({
        file,
        pointer: key,
        message: `expected a duration of at least ${min} ms, got ${JSON.stringify(value)}`,
      });
    return v;
  };
  const limits = {
    maxConnections: toml.limits.max_connections,
    maxConnectionsPerIp: toml.limits.max_connections_per_ip,
    headerTimeoutMs: ms("/limits/header_timeout", toml.limits.header_timeout, 100),
    idleTimeoutMs: ms("/limits/idle_timeout", toml.limits.idle_timeout, 100),
    bodyTimeoutMs: ms("/limits/body_timeout", toml.limits.body_timeout, 100),
  };
  if (limits.maxConnectionsPerIp > limits.maxConnections)
    problems.push({
      file,
      pointer: "/limits/max_connections_per_ip",
      message: `expected ≤ limits.max_connections (${limits.maxConnections}), got ${limits.maxConnectionsPerIp}`,
    });
  const reclaimAllocatedAfterMs = ms("/sectors/reclaim_allocated_after", toml.sectors.reclaim_allocated_after, 1000);
  let tls: ManagerConfig["tls"];
  if (toml.tls.listen !== "") {
    try {
      tls = {
        ...parseListen(toml.tls.listen),
        certFile: resolvePath(home, toml.tls.cert_file),
        keyFile: resolvePath(home, toml.tls.key_file),
      };
    } catch (error) {
      problems.push({
        file,
        pointer: "/tls/listen",
        message: `${error instanceof Error ? error.message.replace(/^listen: /, "") : error}`,
      });
    }
    if (toml.tls.cert_file === "" || toml.tls.key_file === "")
      problems.push({
        file,
        pointer: "/tls",
        message: "expected cert_file and key_file with tls.listen (sealfarm manager tls init writes both)",
      });
  }
  const { fees, ...chainTable } = toml.chain;
  const { target, problems: chainProblems } = parseChainTarget(chainTable, file, home);
  problems.push(...chainProblems);
  // An amount of FIL; a max fee of 0 would refuse every message, so it must be above 0.
  const fil = (key: string, text: string, positive: boolean): bigint => {
    try {
      const v = parseFil(text);
      if (positive && v === 0n)
        problems.push({ file, pointer: key, expected: "an amount above 0", got: JSON.stringify(text) });
      return v;
    } catch (error) {
      problems.push({ file, pointer: key, message: (error as Error).message });
      return 0n;
    }
  };
  const maxFee = {
    precommit: fil("/chain/fees/precommit_max_fee", fees.precommit_max_fee, true),
    provecommit: fil("/chain/fees/provecommit_max_fee", fees.provecommit_max_fee, true),
    wdpost: fil("/chain/fees/wdpost_max_fee", fees.wdpost_max_fee, true),
    recovery: fil("/chain/fees/recovery_max_fee", fees.recovery_max_fee, true),
    snapup: fil("/chain/fees/snapup_max_fee", fees.snapup_max_fee, true),
  };
  const b = toml.batching;
  const commitPolicy: CommitPolicy = {
    ...defaultCommitPolicy(),
    aggregateCommits: b.aggregate_commits,
    minCommitBatch: b.min_commit_batch,
    aggregateAboveBaseFee: fil("/batching/aggregate_above_base_fee", b.aggregate_above_base_fee, false),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  const { host, port } = parseListen(toml.listen);
  return {
    home,
    host,
    port,
    dbUrl: resolveDbUrl(home, toml.db.url),
    sqliteSynchronous: toml.db.synchronous,
    maxBodyBytes: toml.rpc.max_body_bytes,
    maxDepth: toml.rpc.max_depth,
    openMetrics: toml.rpc.open_metrics,
    limits,
    reclaimAllocatedAfterMs,
    tls,
    secretFile: resolvePath(home, toml.auth.secret_file),
    trusted: toml.auth.trusted,
    chain: {
      target,
      maxFee,
      blockTimeMs: parseDurationMs(toml.chain.block_time),
      precommitChallengeDelay: toml.chain.precommit_challenge_delay,
      confidence: toml.chain.confidence,
      ticketLookback: toml.chain.ticket_lookback,
      provingPeriod: toml.chain.proving_period,
      deadlines: toml.chain.deadlines,
    },
    batching: {
      precommit: {
        maxBatch: b.precommit_max_batch ?? b.max_batch,
        maxWaitMs: parseDurationMs(b.precommit_max_wait ?? b.max_wait),
      },
      provecommit: {
        maxBatch: b.provecommit_max_batch ?? b.max_batch,
        maxWaitMs: parseDurationMs(b.provecommit_max_wait ?? b.max_wait),
      },
      commitPolicy,
    },
    post: { heartbeatTimeoutMs: parseDurationMs(toml.post.heartbeat_timeout), jobMaxTry: toml.post.job_max_try },
    proofsBin: toml.proofs.bin,
    pieceStorePath: resolvePath(home, toml.piece_store.path),
    miners,
    persistStores: toml.persist_stores.map((s) => ({
      name: s.name,
      path: resolvePath(home, s.path),
      readOnly: s.read_only,
      weight: s.weight === 0 ? 1 : s.weight,
    })),
  };
}
