// Worker TOML → WorkerConfig. Parse (smol-toml), validate against schemas/worker.schema.json (ajv, every error at
// once, each naming the file and the key path), warn about unknown keys by name (damocles ignores them), then
// parse durations and sizes at this edge. Pure except for `loadWorkerConfig`, which only reads the file.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isIPv4, isIPv6 } from "node:net";
import { isAbsolute, resolve } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { parse as parseToml } from "smol-toml";
import { ConfigError, describeValue, formatProblem, valueAt } from "../../../components/core/config/config-error.js";
import { nonFiniteNumbers } from "../../../components/core/config/non-finite.js";
import { schemaProblems } from "../../../components/core/config/schema-problems.js";
import { parseSectorSize, sectorSizeName } from "../../../components/core/proofs/registered-proofs.js";
import { parseBytes } from "../../../components/core/units/bytes.js";
import { MAX_TIMER_MS, parseDurationMs as parseAnyDurationMs } from "../../../components/core/units/duration.js";
import workerSchema from "../../../schemas/worker.schema.json" with { type: "json" };
import { cidrProblem } from "../../shared/auth/trusted-addresses.js";
import {
  type AttachedStore,
  LOOPBACK_CIDRS,
  type Plan,
  type ProcessorEntry,
  type ProcessorStage,
  processorStages,
  type SealingOptions,
  type SealingThreadConfig,
  type WorkerConfig,
  type WorkerSecurity,
} from "./worker-config.js";

/**
 * The config error for problems this loader words itself, each already starting with its key path
 * ("sealing.seal_interval: …"), so the line reads `worker.toml: sealing.seal_interval: …`.
 */
function workerConfigError(file: string, problems: readonly string[]): ConfigError {
  return new ConfigError(problems.map((message) => ({ file, pointer: "", message })));
}

export interface LoadedConfig {
  config: WorkerConfig;
  /** Unknown keys and ignored values, each naming the file and key path. */
  warnings: string[];
}

export interface LoadOptions {
  /** The default processor binary (the bundled sealfarm-proofs). */
  defaultBin: string;
  /** Relative paths in the file resolve against this directory (default: the file's directory). */
  baseDir?: string;
  /** Resolves symbolic links in an existing path (damocles canonicalizes locations); default `realpathSync`. */
  realpath?: (p: string) => string;
}

/** A location as damocles compares it: absolute, `.`/`..`/trailing slashes removed, links resolved if it exists. */
export function canonicalLocation(p: string, realpath: (p: string) => string = realpathSync): string {
  const normal = resolve(p);
  try {
    return realpath(normal);
  } catch {
    return normal; // not there yet: the thread creates it at start, as damocles does
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
const validateWorker = ajv.compile(workerSchema);
const validateSealingOnly = ajv.compile({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  properties: {
    plan: workerSchema.$defs.plan,
    sealing: { $ref: "https://sealfarm.dev/schemas/worker.schema.json#/$defs/sealing" },
  },
});

/** `/sealing_thread/0/sealing/max_retries` → `sealing_thread[0].sealing.max_retries`. */
export function keyPath(pointer: string, extra?: string): string {
  const parts = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (extra !== undefined) parts.push(extra);
  let out = "";
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(p)) out += out === "" ? p : `.${p}`;
    else out += `${out === "" ? "" : "."}${JSON.stringify(p)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** ajv's errors as key-path lines (core schemaProblems, pointers spelled as damocles' TOML key paths), with unknown
 * keys apart: damocles ignores them, so they are warnings. */
function workerSchemaProblems(errors: readonly ErrorObject[], file: string): { problems: string[]; unknown: string[] } {
  const unknown = errors
    .filter((e) => e.keyword === "additionalProperties")
    .map((e) => `${keyPath(e.instancePath, String(e.params.additionalProperty))}: unknown key, ignored`);
  const problems = schemaProblems(
    errors.filter((e) => e.keyword !== "additionalProperties"),
    file,
  ).map((p) => formatProblem({ ...p, pointer: keyPath(p.pointer === "/" ? "" : p.pointer) }, false));
  return { problems, unknown: [...new Set(unknown)] };
}

/** A multiaddr (`/ip4/h/tcp/p[/http|/https]`, `/dns*`) or a URL → the manager's base URL. */
export function managerUrl(addr: string): string {
  if (addr.startsWith("/")) {
    const parts = addr.split("/").slice(1);
    const [proto, host, tcp, port, scheme] = parts;
    const okProto = proto === "ip4" || proto === "ip6" || proto === "dns" || proto === "dns4" || proto === "dns6";
    if (!okProto || host === undefined || tcp !== "tcp" || port === undefined || !/^\d+$/.test(port))
      throw new Error(`expected a multiaddr like "/ip4/10.0.0.2/tcp/1789" or a URL, got ${JSON.stringify(addr)}`);
    if (parts.length > 5 || (scheme !== undefined && scheme !== "http" && scheme !== "https"))
      throw new Error(`expected the multiaddr to end in /tcp/<port>[/http|/https], got ${JSON.stringify(addr)}`);
    if (Number(port) < 1 || Number(port) > 65535)
      throw new Error(`expected a TCP port 1-65535 in the multiaddr, got ${JSON.stringify(addr)}`);
    const h = proto === "ip6" ? `[${host}]` : host;
    const url = `${scheme ?? "http"}://${h}:${port}`;
    // The host part must make a URL (no spaces, a valid IPv6 address, ...): say so here, not "Invalid URL" later.
    if (!URL.canParse(url) || (proto === "ip4" && !isIPv4(host)) || (proto === "ip6" && !isIPv6(host)))
      throw new Error(`expected a valid ${proto} host in the multiaddr, got ${JSON.stringify(addr)}`);
    return url;
  }
  let u: URL;
  try {
    u = new URL(addr);
  } catch {
    throw new Error(`expected a multiaddr like "/ip4/10.0.0.2/tcp/1789" or a URL, got ${JSON.stringify(addr)}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new Error(`expected an http or https URL, got ${JSON.stringify(addr)}`);
  return `${u.protocol}//${u.host}`;
}

/** A duration that fits a timer: at most 24 days. */
function parseDurationMs(text: string): number {
  const ms = parseAnyDurationMs(text);
  if (ms > MAX_TIMER_MS) throw new Error(`expected a duration of at most 24 days, got ${JSON.stringify(text)}`);
  return ms;
}

/** A duration above 0 that fits a timer (an interval of 0 would spin). */
function parsePositiveDurationMs(text: string): number {
  const ms = parseDurationMs(text);
  if (ms <= 0) throw new Error(`expected a duration above 0, got ${JSON.stringify(text)}`);
  return ms;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {});
const num = (v: unknown): number | undefined => (typeof v === "bigint" ? Number(v) : (v as number | undefined));

/** Parses durations/sizes of one `sealing` table; problems are pushed with their key path. */
function sealingFrom(raw: unknown, at: string, problems: string[]): Partial<SealingOptions> {
  const s = obj(raw);
  const out: Partial<SealingOptions> = {};
  const dur = (key: string, parse = parsePositiveDurationMs): number | undefined => {
    const v = s[key];
    if (v === undefined) return undefined;
    try {
      return parse(String(v));
    } catch (e) {
      problems.push(`${at}.${key}: ${(e as Error).message}`);
      return undefined;
    }
  };
  if (s.allowed_miners !== undefined) out.allowedMiners = (s.allowed_miners as unknown[]).map((m) => num(m) as number);
  if (s.allowed_sizes !== undefined) {
    out.allowedSizes = [];
    (s.allowed_sizes as string[]).forEach((v, i) => {
      try {
        out.allowedSizes?.push(parseSectorSize(v));
      } catch (e) {
        problems.push(`${at}.allowed_sizes[${i}]: ${(e as Error).message}`);
      }
    });
  }
  if (s.enable_deals !== undefined) out.enableDeals = s.enable_deals as boolean;
  if (s.disable_cc !== undefined) out.disableCc = s.disable_cc as boolean;
  if (s.max_deals !== undefined) out.maxDeals = num(s.max_deals);
  if (s.min_deal_space !== undefined) {
    try {
      out.minDealSpace = parseBytes(
        typeof s.min_deal_space === "bigint" ? Number(s.min_deal_space) : (s.min_deal_space as string),
      );
    } catch (e) {
      problems.push(`${at}.min_deal_space: ${(e as Error).message}`);
    }
  }
  if (s.max_retries !== undefined) out.maxRetries = num(s.max_retries);
  const seal = dur("seal_interval", parseDurationMs);
  if (seal !== undefined) out.sealIntervalMs = seal;
  const recover = dur("recover_interval");
  if (recover !== undefined) out.recoverIntervalMs = recover;
  const poll = dur("rpc_polling_interval");
  if (poll !== undefined) out.rpcPollingIntervalMs = poll;
  if (s.ignore_proof_check !== undefined) out.ignoreProofCheck = s.ignore_proof_check as boolean;
  if (s.request_task_max_retries !== undefined) out.requestTaskMaxRetries = num(s.request_task_max_retries);
  if (s.verify_after_pc2 !== undefined) out.verifyAfterPc2 = s.verify_after_pc2 as boolean;
  return out;
}

/** TOML text → its document, or a ConfigError: not TOML, or a number that is not finite (named by its key path). */
function parseTomlOrThrow(text: string, file: string): Raw {
  let doc: Raw;
  try {
    doc = parseToml(text, { integersAsBigInt: false }) as Raw;
  } catch (e) {
    // smol-toml's message carries the line and column.
    throw workerConfigError(file, [`not valid TOML: ${(e as Error).message.split("\n")[0]}`]);
  }
  const nonFinite = nonFiniteNumbers(doc);
  if (nonFinite.length > 0)
    throw workerConfigError(
      file,
      nonFinite.map((at) => `${keyPath(at)}: expected a finite number, got ${String(valueAt(doc, at))}`),
    );
  return doc;
}

/** Pure: TOML text → config + warnings, or a ConfigError listing every problem. */
export function parseWorkerConfig(text: string, file: string, options: LoadOptions): LoadedConfig {
  const doc = parseTomlOrThrow(text, file);
  const baseDir = options.baseDir ?? resolve(file, "..");
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const ok = validateWorker(doc);
  const { problems, unknown } = ok
    ? { problems: [], unknown: [] }
    : workerSchemaProblems(validateWorker.errors ?? [], file);
  const warnings = [...unknown];
  if (problems.length > 0) throw workerConfigError(file, problems);

  const w = obj(doc.worker);
  const rpcServer = obj(w.rpc_server);
  const m = obj(doc.metrics);
  const sm = obj(doc.sector_manager);
  const rpcClient = obj(sm.rpc_client);
  const proc = obj(doc.processors);
  const limitation = obj(proc.limitation);

  let url = "";
  try {
    url = managerUrl(String(rpcClient.addr));
  } catch (e) {
    problems.push(`sector_manager.rpc_client.addr: ${(e as Error).message}`);
  }
  let pingIntervalMs = 30_000;
  if (w.ping_interval !== undefined) {
    try {
      pingIntervalMs = parsePositiveDurationMs(String(w.ping_interval));
    } catch (e) {
      problems.push(`worker.ping_interval: ${(e as Error).message}`);
    }
  }

  const metricsPort = /:([0-9]+)$/.exec(String(m.http_listen ?? ""));
  if (metricsPort !== null && Number(metricsPort[1]) > 65535)
    problems.push(`metrics.http_listen: expected a port 0-65535 in "host:port", got ${describeValue(m.http_listen)}`);

  const sealing = sealingFrom(doc.sealing, "sealing", problems);

  const threads: SealingThreadConfig[] = [];
  const seenLocations = new Set<string>();
  (doc.sealing_thread as Raw[]).forEach((t, index) => {
    const plan = (t.plan as Plan | undefined) ?? "sealer";
    const location =
      t.location === undefined ? undefined : canonicalLocation(abs(String(t.location)), options.realpath);
    if (plan !== "wdpost" && location === undefined) {
      problems.push(`sealing_thread[${index}].location: required for plan "${plan}" (only wdpost threads may omit it)`);
      return;
    }
    if (location !== undefined && seenLocations.has(location)) {
      // damocles skips the duplicate with a warning and leaves its index unused (thread indices are file positions).
      warnings.push(
        `sealing_thread[${index}].location: ${location} is already used by another thread (after normalising the path), skipped; index ${index} stays unused`,
      );
      return;
    }
    if (location !== undefined) seenLocations.add(location);
    threads.push({
      index,
      location,
      plan,
      sealing: sealingFrom(t.sealing, `sealing_thread[${index}].sealing`, problems),
    });
  });

  const attached: AttachedStore[] = [];
  const names = new Set<string>();
  ((doc.attached as Raw[] | undefined) ?? []).forEach((a, i) => {
    const location = abs(String(a.location));
    const name = a.name === undefined ? location : String(a.name);
    if (names.has(name))
      problems.push(`attached[${i}].name: ${JSON.stringify(name)} is used by another attached store`);
    names.add(name);
    attached.push({ name, location, readonly: a.readonly === true });
  });

  const staggeredMs: Record<string, number> = {};
  for (const [stage, v] of Object.entries(obj(limitation.staggered))) {
    try {
      const ms = parseDurationMs(String(v));
      if (ms < 1000) warnings.push(`processors.limitation.staggered.${stage}: ${v} is below the 1s minimum, ignored`);
      else staggeredMs[stage] = ms;
    } catch (e) {
      problems.push(`processors.limitation.staggered.${stage}: ${(e as Error).message}`);
    }
  }
  // `limitation.concurrent` replaces the older `limit` table completely when present.
  const concurrentRaw = limitation.concurrent !== undefined ? obj(limitation.concurrent) : obj(proc.limit);
  const concurrent: Record<string, number> = {};
  for (const [stage, v] of Object.entries(concurrentRaw)) concurrent[stage] = num(v) as number;
  const extLocks: Record<string, number> = {};
  for (const [name, v] of Object.entries(obj(proc.ext_locks))) extLocks[name] = num(v) as number;
  const staticTreeD: Record<string, string> = {};
  for (const [size, p] of Object.entries(obj(proc.static_tree_d))) {
    try {
      // Keyed by the canonical size name ("32GiB"), however the file spells it.
      staticTreeD[sectorSizeName(parseSectorSize(size))] = abs(String(p));
    } catch (e) {
      problems.push(`processors.static_tree_d.${JSON.stringify(size)}: ${(e as Error).message}`);
    }
  }

  const entries: Partial<Record<ProcessorStage, ProcessorEntry[]>> = {};
  for (const stage of processorStages) {
    const list = proc[stage] as Raw[] | undefined;
    if (list === undefined) continue;
    entries[stage] = list.map((e, index) => {
      const at = `processors.${stage}[${index}]`;
      let stableWaitMs = 5000;
      if (e.stable_wait !== undefined) {
        try {
          stableWaitMs = parseDurationMs(String(e.stable_wait));
        } catch (err) {
          problems.push(`${at}.stable_wait: ${(err as Error).message}`);
        }
      }
      const locks = (e.locks as string[] | undefined) ?? [];
      locks.forEach((l, li) => {
        if (extLocks[l] === undefined)
          problems.push(`${at}.locks[${li}]: ${JSON.stringify(l)} is not defined in processors.ext_locks`);
      });
      const cgroup = obj(e.cgroup);
      return {
        stage,
        index,
        bin: e.bin === undefined ? options.defaultBin : String(e.bin),
        args: (e.args as string[] | undefined) ?? ["processor", stage],
        stableWaitMs,
        cpuset: cgroup.cpuset === undefined ? undefined : String(cgroup.cpuset).replace(/\s+/g, ""),
        cgroupName: cgroup.group_name === undefined ? "vc-worker" : String(cgroup.group_name),
        numaPreferred: num(e.numa_preferred),
        envs: { ...(obj(e.envs) as Record<string, string>) },
        inheritEnvs: e.inherit_envs !== false,
        concurrent: num(e.concurrent),
        locks,
        autoRestart: e.auto_restart !== false,
      };
    });
  }
  const pieceToken = sm.piece_token === undefined ? undefined : String(sm.piece_token);
  // damocles inserts PIECE_FETCHER_TOKEN into add_pieces' envs after parsing, so it overrides a user value.
  if (pieceToken !== undefined) for (const e of entries.add_pieces ?? []) e.envs.PIECE_FETCHER_TOKEN = pieceToken;

  const security = securityFrom(obj(doc.sealfarm), abs, problems);
  if (problems.length > 0) throw workerConfigError(file, problems);

  const localPiecesDirs =
    (w.local_pieces_dirs as string[] | undefined) ??
    (w.local_pieces_dir === undefined ? [] : [String(w.local_pieces_dir)]);
  const config: WorkerConfig = {
    file,
    worker: {
      name: w.name === undefined ? undefined : String(w.name),
      // damocles binds every interface by default; calls that change state need a token from outside loopback.
      rpcHost: rpcServer.host === undefined ? "0.0.0.0" : String(rpcServer.host),
      rpcPort: rpcServer.port === undefined ? 17890 : (num(rpcServer.port) as number),
      pingIntervalMs,
      localPiecesDirs: localPiecesDirs.map(abs),
      scanPersistStores: ((w.scan_persist_stores ?? w.ScanPersistStores) as string[] | undefined) ?? [],
    },
    metrics: {
      enable: m.enable === true,
      httpListen: m.http_listen === undefined ? "127.0.0.1:9000" : String(m.http_listen),
    },
    sectorManager: {
      url,
      token: sm.token === undefined ? undefined : String(sm.token),
      pieceToken,
      headers: obj(rpcClient.headers) as Record<string, string>,
    },
    security,
    sealing,
    threads,
    attached,
    processors: { concurrent, staggeredMs, extLocks, staticTreeD, entries },
  };
  return { config, warnings: warnings.map((wn) => `${file}: ${wn}`) };
}

/** `[sealfarm]` (sealfarm-only keys; damocles-worker ignores the section). */
function securityFrom(
  section: Record<string, unknown>,
  abs: (p: string) => string,
  problems: string[],
): WorkerSecurity {
  const rpc = obj(section.rpc);
  const tls = obj(section.tls);
  const trusted = (rpc.trusted as string[] | undefined) ?? LOOPBACK_CIDRS;
  trusted.forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem !== null) problems.push(`sealfarm.rpc.trusted[${i}]: ${problem}`);
  });
  const maxConnections = num(rpc.max_connections) ?? 256;
  const maxConnectionsPerIp = num(rpc.max_connections_per_ip) ?? Math.min(32, maxConnections);
  if (maxConnectionsPerIp > maxConnections)
    problems.push(
      `sealfarm.rpc.max_connections_per_ip: expected ≤ sealfarm.rpc.max_connections (${maxConnections}), got ${maxConnectionsPerIp}`,
    );
  return {
    secretFile: rpc.secret_file === undefined ? undefined : abs(String(rpc.secret_file)),
    trusted,
    openMetrics: rpc.open_metrics !== false,
    maxConnections,
    maxConnectionsPerIp,
    managerCaFile: tls.manager_ca_file === undefined ? undefined : abs(String(tls.manager_ca_file)),
    managerFingerprint:
      tls.manager_fingerprint === undefined
        ? undefined
        : String(tls.manager_fingerprint)
            .toUpperCase()
            .replace(/^SHA256:/, "sha256:"),
  };
}

/** Reads and parses a worker config file. */
export function loadWorkerConfig(file: string, options: LoadOptions): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw workerConfigError(file, [`cannot read: ${(e as Error).message}`]);
  }
  const loaded = parseWorkerConfig(text, file, options);
  const problems = pathProblems(loaded.config);
  if (problems.length > 0) throw workerConfigError(file, problems);
  return loaded;
}

/**
 * What the file system says about the directories the worker will create or write into, checked at load so a
 * file where a directory belongs is refused with its key instead of failing in a thread after start-up.
 */
export function pathProblems(config: WorkerConfig): string[] {
  const problems: string[] = [];
  const notADirectory = (at: string, path: string) => {
    let isDir = true;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      return; // missing: created when needed
    }
    if (!isDir) problems.push(`${at}: expected a directory (or nothing, to be created) at ${path}, found a file`);
  };
  for (const t of config.threads)
    if (t.location !== undefined) notADirectory(`sealing_thread[${t.index}].location`, t.location);
  config.attached.forEach((a, i) => {
    notADirectory(`attached[${i}].location`, a.location);
  });
  config.worker.localPiecesDirs.forEach((d, i) => {
    notADirectory(`worker.local_pieces_dirs[${i}]`, d);
  });
  return problems;
}

export interface HotConfig {
  plan: Plan | undefined;
  sealing: Partial<SealingOptions>;
}

/** `<location>/config.toml`: `plan` and `sealing.*` only. */
export function parseHotConfig(text: string, file: string): { hot: HotConfig; warnings: string[] } {
  const doc = parseTomlOrThrow(text, file);
  const ok = validateSealingOnly(doc);
  const { problems, unknown } = ok
    ? { problems: [], unknown: [] }
    : workerSchemaProblems(validateSealingOnly.errors ?? [], file);
  const sealing = sealingFrom(doc.sealing, "sealing", problems);
  if (problems.length > 0) throw workerConfigError(file, problems);
  return { hot: { plan: doc.plan as Plan | undefined, sealing }, warnings: unknown.map((u) => `${file}: ${u}`) };
}
