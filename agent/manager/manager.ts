// startManager: config → database (migrated) → chain (the devnet started in process, or a Lotus node) → HTTP
// server → pump loop. Used by `sealfarm manager run`,
// by `sealfarm dev` and by tests (in-process or as a child process).
import { mkdirSync, readFileSync } from "node:fs";
import type http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { SecretSource } from "../shared/auth/secret-file.js";
import { isTrusted, trustedList } from "../shared/auth/trusted-addresses.js";
import { type ConnectionStats, guardConnections } from "../shared/net/connection-guard.js";
import { ChainError } from "./chain/lotus/chain-errors.js";
import { pumpMessages } from "./chain/message-pump.js";
import { reportedBefore } from "./chain/message-records.js";
import { loadManagerConfig } from "./config/load-manager-config.js";
import type { ManagerConfig } from "./config/manager-config.js";
import { createManagerContext, type ManagerContext } from "./context.js";
import { migrateToLatest, openDatabase } from "./db/dialect.js";
import { removeStalePartials } from "./deals/piece-upload.js";
import { RpcMetrics } from "./metrics/rpc-metrics.js";
import { postTick } from "./post/wdpost.service.js";
import { createHttpServer, createRequestHandler } from "./rpc/http-server.js";
import { reclaimStaleAllocations } from "./sectors/reclaim.service.js";

export interface RunningManager {
  /** Base URL, e.g. http://127.0.0.1:1789 (the RPC endpoint is `${url}/rpc/v0`). */
  url: string;
  port: number;
  /** The TLS listener's base URL (https://…), when tls.listen is set. */
  tlsUrl: string | undefined;
  ctx: ManagerContext;
  /** Open connections and refusals of the plain listener. */
  connections: ConnectionStats;
  /** Runs one pump cycle now (tests use it to avoid waiting for the timer). */
  tick(): Promise<void>;
  /** Graceful: stops accepting, answers every request in flight (up to graceMs, default 30 s; later ones are cut
   * and their allocations reclaimed), then closes the database. */
  close(graceMs?: number): Promise<void>;
}

export type StartOptions = ({ home: string; config?: undefined } | { config: ManagerConfig; home?: undefined }) & {
  /** The wall clock of the in-process devnet (`[chain] kind = "devnet"`); Date.now unless a test pauses it. */
  devnetClock?: () => number;
};

export async function startManager(options: StartOptions): Promise<RunningManager> {
  const config = options.config ?? loadManagerConfig(options.home);
  mkdirSync(config.home, { recursive: true });
  for (const s of config.persistStores) if (!s.readOnly) mkdirSync(s.path, { recursive: true });
  removeStalePartials(config.pieceStorePath);
  const secret = new SecretSource(config.secretFile);
  const db = openDatabase(config.dbUrl, { synchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let ctx: ManagerContext;
  try {
    ctx = await createManagerContext(db, config, options.devnetClock);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // The head before the first request; a node that does not answer yet is waited out by the pump.
  await ctx.chain.refresh().catch(() => undefined);
  const metrics = new RpcMetrics();
  const trusted = trustedList(config.trusted);
  const handler = createRequestHandler(ctx, {
    secret,
    trusted,
    maxBodyBytes: config.maxBodyBytes,
    maxDepth: config.maxDepth,
    openMetrics: config.openMetrics,
    bodyTimeoutMs: config.limits.bodyTimeoutMs,
    metrics,
  });
  const limits = {
    maxTotal: config.limits.maxConnections,
    maxPerIp: config.limits.maxConnectionsPerIp,
    exempt: (address: string | undefined) => isTrusted(trusted, address),
    headerTimeoutMs: config.limits.headerTimeoutMs,
    idleTimeoutMs: config.limits.idleTimeoutMs,
  };
  const { server, connections } = createHttpServer(handler, limits);
  const servers: http.Server[] = [server];
  const listen = (s: http.Server, port: number, host: string) =>
    new Promise<number>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, host, () => resolve((s.address() as AddressInfo).port));
    });
  let port: number;
  let tlsUrl: string | undefined;
  try {
    port = await listen(server, config.port, config.host);
    if (config.tls !== undefined) {
      const tlsServer = https.createServer(
        { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
        handler.handle,
      );
      guardConnections(tlsServer, limits);
      servers.push(tlsServer);
      const tlsPort = await listen(tlsServer, config.tls.port, config.tls.host);
      tlsUrl = `https://${config.tls.host.includes(":") ? `[${config.tls.host}]` : config.tls.host}:${tlsPort}`;
    }
  } catch (error) {
    for (const s of servers) s.close();
    await ctx.chain.close();
    await db.destroy();
    throw error;
  }

  // The pump: one cycle at a time, about twice per epoch.
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let chainDown = false;
  // A chain failure is logged once per episode, not once per cycle (the sectors waiting on it say so in their
  // timelines); anything else every time.
  const report = (error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    // A stuck record says so once, on the record and in its sectors' timelines; not again every cycle.
    if (reportedBefore(error)) return;
    if (!(error instanceof ChainError)) {
      if (!stopped) console.error(`sealfarm manager: chain pump: ${text}`);
    } else if (!chainDown) {
      chainDown = true;
      if (!stopped) console.error(`sealfarm manager: chain: ${text} (waiting)`);
    }
  };
  /** Runs one step of the cycle; a failure is reported and the cycle goes on. */
  const attempt = async (step: () => Promise<unknown>): Promise<boolean> => {
    try {
      await step();
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  };
  const cycle = async () => {
    // A chain that cannot even say its head is down: nothing else asks it. Otherwise sealing messages and
    // WindowPoSt run apart: a sealing message stuck on a chain refusal must not starve the WindowPoSts, which have
    // deadlines (every sector of the farm would turn Faulty).
    if (await attempt(() => ctx.chain.refresh())) {
      const sealed = await attempt(() => pumpMessages(ctx));
      const posted = await attempt(() => postTick(ctx));
      if (sealed && posted) chainDown = false;
    }
    try {
      await reclaimStaleAllocations(ctx);
    } catch (error) {
      if (!stopped) console.error(`sealfarm manager: reclaim: ${error instanceof Error ? error.message : error}`);
    }
  };
  const tick = () => {
    running = running.then(cycle);
    return running;
  };
  const interval = Math.max(20, Math.min(500, Math.floor(config.chain.blockTimeMs / 2)));
  const loop = () => {
    if (stopped) return;
    tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, interval);
    });
  };
  timer = setTimeout(loop, interval);

  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    tlsUrl,
    ctx,
    connections,
    tick,
    close: async (graceMs = 30_000) => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const s of servers) s.closeIdleConnections();
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([handler.drained(), new Promise<void>((r) => (grace = setTimeout(r, graceMs)))]);
      clearTimeout(grace);
      for (const s of servers) s.closeAllConnections();
      await Promise.all(closed);
      await ctx.chain.close();
      await db.destroy();
    },
  };
}
