// Connection and request limits for the manager's and the worker's HTTP servers: at most `maxPerIp` open
// connections from one address and `maxTotal` in all, and slow clients cut off (headers within headerTimeoutMs,
// a body that stalls for idleTimeoutMs, an idle keep-alive socket after idleTimeoutMs; JSON-RPC bodies also
// have a total deadline in rpc-http.ts). A new connection over
// the per-address cap is closed at once; one over the total cap first evicts the oldest connection that has no
// request in flight, so idle sockets (issue 15: 21,000 of them, without a token) cannot lock a new client out.
import type http from "node:http";
import type { Socket } from "node:net";

export interface ConnectionLimits {
  maxTotal: number;
  /** Per address; addresses `exempt` says yes to (auth.trusted: loopback by default) count only toward maxTotal. */
  maxPerIp: number;
  exempt?: (address: string | undefined) => boolean;
  headerTimeoutMs: number;
  idleTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxTotal: 1024,
  maxPerIp: 64,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
};

export interface ConnectionStats {
  open: number;
  refusedPerIp: number;
  evicted: number;
}

interface Tracked {
  ip: string;
  openedAt: number;
  busy: number;
}

/** Applies the limits to a server; returns live counters (for /metrics and tests). */
export function guardConnections(server: http.Server, limits: ConnectionLimits): ConnectionStats {
  const stats: ConnectionStats = { open: 0, refusedPerIp: 0, evicted: 0 };
  const sockets = new Map<Socket, Tracked>();
  const perIp = new Map<string, number>();
  let seq = 0;

  server.headersTimeout = limits.headerTimeoutMs;
  // A piece upload may take minutes: bodies are cut when they stall (the socket timeout below), not by total time.
  server.requestTimeout = 0;
  server.keepAliveTimeout = limits.idleTimeoutMs;

  const release = (socket: Socket) => {
    const t = sockets.get(socket);
    if (t === undefined) return;
    sockets.delete(socket);
    stats.open = sockets.size;
    const n = (perIp.get(t.ip) ?? 1) - 1;
    if (n <= 0) perIp.delete(t.ip);
    else perIp.set(t.ip, n);
  };

  server.on("connection", (socket: Socket) => {
    const ip = socket.remoteAddress ?? "?";
    if ((perIp.get(ip) ?? 0) >= limits.maxPerIp && !limits.exempt?.(socket.remoteAddress)) {
      stats.refusedPerIp++;
      socket.destroy();
      return;
    }
    if (sockets.size >= limits.maxTotal) {
      let victim: Socket | undefined;
      let oldest = Number.POSITIVE_INFINITY;
      for (const [s, t] of sockets)
        if (t.busy === 0 && t.openedAt < oldest) {
          oldest = t.openedAt;
          victim = s;
        }
      if (victim === undefined) {
        socket.destroy();
        return;
      }
      stats.evicted++;
      release(victim);
      victim.destroy();
    }
    sockets.set(socket, { ip, openedAt: seq++, busy: 0 });
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    stats.open = sockets.size;
    // A socket that sends nothing at all is closed after the header timeout; one with requests gets the idle one.
    socket.on("timeout", () => socket.destroy());
    socket.setTimeout(limits.headerTimeoutMs);
    socket.once("close", () => release(socket));
  });

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    const t = sockets.get(socket);
    if (t === undefined) return;
    t.busy++;
    // While the body arrives, a stall of idleTimeoutMs cuts it; once it is in, the handler may take its time.
    socket.setTimeout(limits.idleTimeoutMs);
    req.once("end", () => socket.setTimeout(0));
    res.once("close", () => {
      t.busy--;
      if (t.busy === 0 && !socket.destroyed) socket.setTimeout(limits.idleTimeoutMs);
    });
  });
  return stats;
}
