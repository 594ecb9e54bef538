// The worker agent: loads nothing itself (it gets a WorkerConfig), checks the attached stores with the manager,
// starts the processor children, runs every sealing and wdpost thread, pings the manager, and serves its RPC.

import http from "node:http";
import { totalmem } from "node:os";
import { packageVersion } from "../../components/core/package-version.js";
import { SecretSource } from "../shared/auth/secret-file.js";
import { isTrusted, trustedList } from "../shared/auth/trusted-addresses.js";
import { DEFAULT_CONNECTION_LIMITS } from "../shared/net/connection-guard.js";
import { createVenusClient, type StoreBasicInfo, type VenusClient } from "../shared/rpc/index.js";
import { loadTlsPin } from "../shared/tls/pinned-tls.js";
import type { WorkerConfig } from "./config/worker-config.js";
import { localAddressToward, workerIdentity } from "./config/worker-identity.js";
import { WorkerMetrics } from "./metrics/worker-metrics.js";
import type { AnySectorRecord } from "./planner/sector.js";
import { ProcessorPool } from "./processors/processor-pool.js";
import { admitConfiguration } from "./resources/admit-config.js";
import { defaultWorkerRpcSecurity, startWorkerRpcServer, type WorkerRpcSecurity } from "./rpc/worker-rpc.js";
import { scanPersistStores } from "./store/scan-persist-stores.js";
import { SealingStore } from "./store/sealing-store.js";
import { processorStagesOfPlan } from "./thread/plan-spec.js";
import { SealingThread } from "./thread/sealing-thread.js";
import type { ThreadListEntry } from "./thread/thread-status.js";
import { WdPostThread } from "./thread/wdpost-thread.js";

export interface WorkerAgentOptions {
  config: WorkerConfig;
  defaultBin: string;
  log?: (line: string) => void;
  onSectorDone?: (sector: string, outcome: "finished" | "aborted", record: AnySectorRecord) => void;
  onJobDone?: (jobId: string, ok: boolean, detail: string) => void;
  /** Delay before respawning a crashed processor (damocles: 3 s). */
  processorRestartDelayMs?: number;
}

type AnyThread = SealingThread | WdPostThread;

const identityInputs = (c: WorkerConfig) => ({
  configuredName: c.worker.name,
  rpcHost: c.worker.rpcHost,
  managerUrl: c.sectorManager.url,
  file: c.file,
});

export class WorkerAgent {
  readonly metrics = new WorkerMetrics();
  readonly threads: AnyThread[] = [];
  private runs: Array<Promise<void>> = [];
  private pingTimer: NodeJS.Timeout | undefined;
  private rpcServer: Awaited<ReturnType<typeof startWorkerRpcServer>> | undefined;
  private metricsServer: http.Server | undefined;
  rpcUrl = "";
  /** WorkerPing's `Dest`: where the manager and the operator reach this worker's RPC (see worker-identity). */
  dest = "";
  readonly instance: string;
  readonly version = `v${packageVersion()}-sealfarm`;

  private constructor(
    readonly config: WorkerConfig,
    readonly rpc: VenusClient,
    readonly pool: ProcessorPool,
    private readonly log: (line: string) => void,
    /** The local address of a connection to the manager: the default name, and Dest's host on a wildcard bind. */
    readonly localAddress: string,
  ) {
    this.instance = config.worker.name ?? localAddress;
  }

  static async start(o: WorkerAgentOptions): Promise<WorkerAgent> {
    const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const c = o.config;
    // Said, not refused: memory may be added, swap or hugepages may be meant, and a limit may be lowered hot.
    for (const p of admitConfiguration(c, processorStagesOfPlan, totalmem())) log(`warning: ${p}`);
    // Scanned persist stores join the attached ones; names stay unique across both.
    if (c.worker.scanPersistStores.length > 0) {
      const { stores, problems } = scanPersistStores(c.worker.scanPersistStores);
      if (problems.length > 0) throw new Error(`${c.file}: worker.scan_persist_stores:\n${problems.join("\n")}`);
      for (const s of stores) {
        if (c.attached.some((a) => a.name === s.name))
          throw new Error(
            `${c.file}: scanned store ${s.location} is named ${JSON.stringify(s.name)}, which another attached store uses`,
          );
        c.attached.push(s);
      }
    }
    const managerTls = loadTlsPin(c.security.managerCaFile, c.security.managerFingerprint);
    const rpc = createVenusClient({ url: c.sectorManager.url, token: c.sectorManager.token, tls: managerTls });
    // Threads that persist replicas (sealer, rebuild, snapup) need a writable store; unseal only reads one.
    const persisting = c.threads.filter((t) => t.plan === "sealer" || t.plan === "rebuild" || t.plan === "snapup");
    if (persisting.length > 0 && c.attached.filter((a) => !a.readonly).length === 0)
      throw new Error(
        `${c.file}: no attached store available ([[attached]] with a writable store is required to seal or rebuild)`,
      );
    // Startup is strict, like damocles: every attached store must be known to the manager.
    // Every sealing store is created first, before the manager is asked anything: a location that cannot be one
    // refuses start-up with its key, whatever the state of the manager.
    for (const t of c.threads) {
      if (t.plan === "wdpost" || t.location === undefined) continue;
      try {
        new SealingStore(t.location).init();
      } catch (e) {
        rpc.close();
        throw new Error(`${c.file}: sealing_thread[${t.index}].location: ${(e as Error).message}`);
      }
    }
    for (const a of c.attached) {
      let info: StoreBasicInfo | null;
      try {
        info = await rpc.callVenus("StoreBasicInfo", [a.name]);
      } catch (e) {
        rpc.close();
        throw new Error(
          `cannot check attached store ${JSON.stringify(a.name)} with the manager at ${c.sectorManager.url}: ${(e as Error).message}`,
        );
      }
      if (info === null) {
        rpc.close();
        throw new Error(
          `${c.file}: attached store ${JSON.stringify(a.name)} is not known to the manager (its PersistStores)`,
        );
      }
      // The store's meta, for a `[[processors.transfer]]` processor: the manager's, under what the worker declares.
      if (info.Meta !== null || a.meta !== undefined) a.meta = { ...(info.Meta ?? {}), ...(a.meta ?? {}) };
    }
    let localAddress: string;
    try {
      localAddress = await localAddressToward(c.sectorManager.url);
      // Checked before anything listens: a Dest the manager cannot reach refuses the start.
      workerIdentity({ ...identityInputs(c), rpcPort: c.worker.rpcPort, localAddress });
    } catch (e) {
      rpc.close();
      throw e;
    }
    const pool = new ProcessorPool(c.processors, o.defaultBin, {
      log,
      restartDelayMs: o.processorRestartDelayMs ?? 3000,
    });
    try {
      await pool.start();
    } catch (e) {
      rpc.close();
      throw e;
    }
    const agent = new WorkerAgent(c, rpc, pool, log, localAddress);
    for (const t of c.threads) {
      if (t.plan === "wdpost") {
        agent.threads.push(
          new WdPostThread(t, {
            rpc,
            pool,
            attached: c.attached,
            instance: agent.instance,
            commonSealing: c.sealing,
            metrics: agent.metrics,
            log,
            onJobDone: o.onJobDone,
          }),
        );
      } else {
        agent.threads.push(
          new SealingThread(t, {
            rpc,
            pool,
            attached: c.attached,
            localPiecesDirs: c.worker.localPiecesDirs,
            managerUrl: c.sectorManager.url,
            managerToken: c.sectorManager.token,
            managerTls,
            staticTreeD: c.processors.staticTreeD,
            instance: agent.instance,
            commonSealing: c.sealing,
            metrics: agent.metrics,
            log,
            onSectorDone: o.onSectorDone,
          }),
        );
      }
    }
    try {
      agent.rpcServer = await startWorkerRpcServer(
        c.worker.rpcHost,
        c.worker.rpcPort,
        {
          list: () => agent.list(),
          pause: (i) => agent.thread(i)?.pause() ?? false,
          resume: (i, s) => agent.thread(i)?.resume(s ?? undefined) ?? false,
          version: () => agent.version,
          metrics: () => agent.renderMetrics(),
        },
        workerRpcSecurity(c),
      );
      agent.rpcUrl = agent.rpcServer.url;
      // The port actually bound (a config may ask for 0, as `sealfarm dev` does when 17890 is taken).
      const rpcPort = Number(new URL(agent.rpcServer.url).port);
      agent.dest = workerIdentity({ ...identityInputs(c), rpcPort, localAddress }).dest;
    } catch (e) {
      await pool.stop();
      rpc.close();
      throw new Error(
        `cannot listen on ${c.worker.rpcHost}:${c.worker.rpcPort} for the worker RPC: ${(e as Error).message}`,
      );
    }
    if (c.metrics.enable) {
      // `[metrics] http_listen`: a Prometheus endpoint of its own (the worker RPC port serves /metrics too).
      const m = /^(?:\[([^\]]+)\]|(.+)):(\d+)$/.exec(c.metrics.httpListen);
      const server = http.createServer((req, res) => {
        if (req.url !== "/metrics") return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(agent.renderMetrics());
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(Number(m?.[3]), m?.[1] ?? m?.[2], () => resolve());
        });
      } catch (e) {
        await agent.rpcServer?.close();
        await pool.stop();
        rpc.close();
        throw new Error(
          `${c.file}: metrics.http_listen: cannot listen on ${c.metrics.httpListen}: ${(e as Error).message}`,
        );
      }
      agent.metricsServer = server;
    }
    agent.runs = agent.threads.map((t) =>
      t.run().catch((e: Error) => log(`thread ${t.index} stopped on an unexpected error: ${e.stack ?? e.message}`)),
    );
    agent.ping();
    agent.pingTimer = setInterval(() => agent.ping(), c.worker.pingIntervalMs);
    log(
      `worker ${agent.instance}: ${agent.threads.length} threads, RPC at ${agent.rpcUrl}, manager ${c.sectorManager.url}`,
    );
    return agent;
  }

  thread(index: number): AnyThread | undefined {
    return this.threads.find((t) => t.index === index);
  }

  list(): ThreadListEntry[] {
    return this.threads.map((t) => t.list());
  }

  threadsByState(): Record<string, number> {
    const out: Record<string, number> = { Idle: 0, Paused: 0, Running: 0, Waiting: 0 };
    for (const t of this.threads) out[t.status.state] = (out[t.status.state] ?? 0) + 1;
    return out;
  }

  renderMetrics(): string {
    return this.metrics.render(this.threadsByState(), { worker_name: this.instance });
  }

  private ping(): void {
    const by = this.threadsByState();
    this.rpc
      .callVenus("WorkerPing", [
        {
          Name: this.instance,
          Dest: this.dest,
          Version: this.version,
          Summary: {
            Threads: this.threads.length,
            Empty: this.threads.filter((t) => t.status.jobId === null).length,
            Paused: by.Paused ?? 0,
            Running: by.Running ?? 0,
            Waiting: by.Waiting ?? 0,
            Errors: this.threads.filter((t) => t.status.lastError !== null).length,
          },
        },
      ])
      .catch((e: Error) => this.log(`WorkerPing failed (ignored): ${e.message}`));
  }

  /** Stops every thread (a running processor call finishes first), the children, and the servers. */
  async stop(): Promise<void> {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    for (const t of this.threads) t.stop();
    await Promise.all(this.runs);
    await this.pool.stop();
    await this.rpcServer?.close();
    const ms = this.metricsServer;
    if (ms !== undefined)
      await new Promise<void>((r) => {
        ms.close(() => r());
        ms.closeAllConnections();
      });
    this.rpc.close();
  }
}

/** The worker RPC's access rules from `[sealfarm.rpc]`. */
function workerRpcSecurity(c: WorkerConfig): WorkerRpcSecurity {
  const s = c.security;
  const trusted = trustedList(s.trusted);
  return {
    ...defaultWorkerRpcSecurity(),
    secret: s.secretFile === undefined ? undefined : new SecretSource(s.secretFile),
    trusted,
    openMetrics: s.openMetrics,
    limits: {
      ...DEFAULT_CONNECTION_LIMITS,
      maxTotal: s.maxConnections,
      maxPerIp: s.maxConnectionsPerIp,
      exempt: (address) => isTrusted(trusted, address),
    },
  };
}
