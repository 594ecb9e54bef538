// startManager: config → database (migrated) → devnet → HTTP server → pump loop. Used by `sealfarm manager run`,
// by `sealfarm dev` and by tests (in-process or as a child process).
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { loadOrCreateSecret } from "./auth/tokens.js";
import { trustedList } from "./auth/trusted-addresses.js";
import { pumpMessages } from "./chain/devnet/message-pump.js";
import { loadManagerConfig } from "./config/load-manager-config.js";
import type { ManagerConfig } from "./config/manager-config.js";
import { createManagerContext, type ManagerContext } from "./context.js";
import { migrateToLatest, openDatabase } from "./db/dialect.js";
import { removeStalePartials } from "./deals/piece-upload.js";
import { RpcMetrics } from "./metrics/rpc-metrics.js";
import { postTick } from "./post/wdpost.service.js";
import { createHttpServer } from "./rpc/http-server.js";

export interface RunningManager {
  /** Base URL, e.g. http://127.0.0.1:1789 (the RPC endpoint is `${url}/rpc/v0`). */
  url: string;
  port: number;
  ctx: ManagerContext;
  /** Runs one pump cycle now (tests use it to avoid waiting for the timer). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export type StartOptions = { home: string; config?: undefined } | { config: ManagerConfig; home?: undefined };

export async function startManager(options: StartOptions): Promise<RunningManager> {
  const config = options.config ?? loadManagerConfig(options.home);
  mkdirSync(config.home, { recursive: true });
  for (const s of config.persistStores) if (!s.readOnly) mkdirSync(s.path, { recursive: true });
  removeStalePartials(config.pieceStorePath);
  const secret = loadOrCreateSecret(config.secretFile);
  const db = openDatabase(config.dbUrl, { synchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const ctx = await createManagerContext(db, config);
  const metrics = new RpcMetrics();
  const server = createHttpServer(ctx, {
    secret,
    trusted: trustedList(config.trusted),
    maxBodyBytes: config.maxBodyBytes,
    metrics,
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  // The pump: one cycle at a time, about twice per epoch.
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const cycle = async () => {
    try {
      await pumpMessages(ctx);
      await postTick(ctx);
    } catch (error) {
      if (!stopped) console.error(`sealfarm manager: chain pump: ${error instanceof Error ? error.message : error}`);
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
    ctx,
    tick,
    close: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}
