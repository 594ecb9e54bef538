// The worker's own JSON-RPC (reference §5.5): HTTP POST at `/`, `VenusWorker.*` methods, through the shared
// JSON-RPC layer (bounded body and depth, explicit method Map, connection limits). WorkerList and WorkerVersion are
// open; pause, resume and the env calls change state and need a write token (`sealfarm worker token create`,
// signed with `[sealfarm.rpc] secret_file`) unless they come from a trusted address (loopback by default).
// `GET /metrics` on the same port is open unless `[sealfarm.rpc] open_metrics = false` (then a read token).
import http from "node:http";
import type { AddressInfo, BlockList } from "node:net";
import { allows, type Permission } from "../../../components/core/auth/tokens.js";
import type { SecretSource } from "../../shared/auth/secret-file.js";
import { isTrusted, trustedList } from "../../shared/auth/trusted-addresses.js";
import {
  type ConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
  guardConnections,
} from "../../shared/net/connection-guard.js";
import {
  encodeError,
  encodeRequest,
  encodeSuccess,
  parseRequest,
  parseResponse,
  RpcError,
  RpcErrorCode,
} from "../../shared/rpc/index.js";
import { DEFAULT_MAX_JSON_DEPTH } from "../../shared/rpc/json-depth.js";
import { methodMap, sendJson, serveJsonRpc } from "../../shared/rpc/rpc-http.js";
import { LOOPBACK_CIDRS } from "../config/worker-config.js";
import type { ThreadListEntry } from "../thread/thread-status.js";

export interface WorkerRpcHandlers {
  list(): ThreadListEntry[];
  pause(index: number): boolean;
  resume(index: number, state: string | null): boolean;
  version(): string;
  metrics(): string;
}

export interface WorkerMethod {
  /** "read" methods are open to anyone; others need a token with this permission off the trusted addresses. */
  perm: Permission;
  run(params: unknown[]): unknown;
}

export function workerMethods(h: WorkerRpcHandlers): ReadonlyMap<string, WorkerMethod> {
  const index = (v: unknown): number => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      throw new RpcError(
        RpcErrorCode.InvalidParams,
        `params[0]: expected a thread index (integer >= 0), got ${JSON.stringify(v)?.slice(0, 60)}`,
      );
    return v;
  };
  const str = (v: unknown, at: string): string => {
    if (typeof v !== "string")
      throw new RpcError(
        RpcErrorCode.InvalidParams,
        `${at}: expected a string, got ${JSON.stringify(v)?.slice(0, 60)}`,
      );
    return v;
  };
  return methodMap<WorkerMethod>({
    "VenusWorker.WorkerList": { perm: "read", run: () => h.list() },
    "VenusWorker.WorkerPause": { perm: "write", run: (p) => h.pause(index(p[0])) },
    "VenusWorker.WorkerResume": {
      perm: "write",
      run: (p) => h.resume(index(p[0]), p[1] === undefined || p[1] === null ? null : str(p[1], "params[1]")),
    },
    "VenusWorker.WorkerSetEnv": {
      perm: "admin",
      run: (p) => {
        process.env[str(p[0], "params[0]")] = str(p[1], "params[1]");
        return null;
      },
    },
    "VenusWorker.WorkerRemoveEnv": {
      perm: "admin",
      run: (p) => {
        delete process.env[str(p[0], "params[0]")];
        return null;
      },
    },
    "VenusWorker.WorkerVersion": { perm: "read", run: () => h.version() },
  });
}

export interface WorkerRpcSecurity {
  /** Verifies tokens; undefined = no token is accepted (only trusted addresses may change state). */
  secret: SecretSource | undefined;
  trusted: BlockList;
  openMetrics: boolean;
  limits: ConnectionLimits;
  maxBodyBytes: number;
}

export function defaultWorkerRpcSecurity(): WorkerRpcSecurity {
  const trusted = trustedList(LOOPBACK_CIDRS);
  return {
    secret: undefined,
    trusted,
    openMetrics: true,
    limits: { ...DEFAULT_CONNECTION_LIMITS, maxTotal: 256, maxPerIp: 32, exempt: (a) => isTrusted(trusted, a) },
    maxBodyBytes: 1 << 20,
  };
}

/** What the caller may do: a valid token's permission, admin from a trusted address, else read. A token that does
 * not verify is refused outright (null), so a stale token is noticed instead of silently downgraded. */
function permissionOf(req: http.IncomingMessage, sec: WorkerRpcSecurity): Permission | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return sec.secret?.verify(auth.slice("Bearer ".length).trim()) ?? null;
  return isTrusted(sec.trusted, req.socket.remoteAddress) ? "admin" : "read";
}

/** One request body → one reply: parse, look up in the Map, authorize, run. */
export function dispatchWorker(methods: ReadonlyMap<string, WorkerMethod>, body: string, perm: Permission): string {
  const parsed = parseRequest(body);
  if (!parsed.ok) return encodeError(parsed.id, parsed.error.code, parsed.error.message);
  const { id, method, params } = parsed.request;
  const m = methods.get(method);
  if (m === undefined) return encodeError(id, RpcErrorCode.MethodNotFound, `method ${method.slice(0, 100)} not found`);
  if (!allows(perm, m.perm))
    return encodeError(
      id,
      RpcErrorCode.Unauthorized,
      `${method} changes the worker's state: call it from a trusted address or send Authorization: Bearer <token> (sealfarm worker token create --perm ${m.perm})`,
    );
  try {
    return encodeSuccess(id, m.run(params));
  } catch (e) {
    const code = e instanceof RpcError ? e.code : RpcErrorCode.Generic;
    return encodeError(id, code, e instanceof Error ? e.message : String(e));
  }
}

export async function startWorkerRpcServer(
  host: string,
  port: number,
  handlers: WorkerRpcHandlers,
  security: WorkerRpcSecurity = defaultWorkerRpcSecurity(),
): Promise<{ server: http.Server; url: string; close(): Promise<void> }> {
  const methods = workerMethods(handlers);
  const log = (m: string) => console.error(`sealfarm worker: rpc: ${m}`);
  const server = http.createServer((req, res) => {
    const perm = permissionOf(req, security);
    if (perm === null) {
      res.once("finish", () => req.destroy());
      sendJson(res, 401, encodeError(null, RpcErrorCode.Unauthorized, "unauthorized: the token does not verify"), true);
      return;
    }
    if (req.method === "GET" && req.url === "/metrics") {
      const vouched = req.headers.authorization !== undefined || isTrusted(security.trusted, req.socket.remoteAddress);
      if (!security.openMetrics && !vouched) {
        res.writeHead(401, { "content-type": "text/plain" }).end("unauthorized: /metrics needs a read token\n");
        return;
      }
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(handlers.metrics());
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    serveJsonRpc(
      req,
      res,
      { maxBodyBytes: security.maxBodyBytes, maxDepth: DEFAULT_MAX_JSON_DEPTH },
      async (body) => dispatchWorker(methods, body, perm),
      log,
    ).catch((e: unknown) => {
      log(`${e instanceof Error ? e.message : e}`);
      res.destroy();
    });
  });
  guardConnections(server, security.limits);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A client call to a worker's RPC (used by `sealfarm worker list|pause|resume`); the token, when given, is sent
 * as `Authorization: Bearer`. */
export async function callWorker(
  url: string,
  method: string,
  params: unknown[],
  options: { token?: string | undefined; timeoutMs?: number } = {},
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const body = encodeRequest(0, method, params);
  const headers: http.OutgoingHttpHeaders = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const text = await new Promise<string>((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no reply from the worker at ${url} within ${timeoutMs} ms`)),
    );
    req.on("error", (e) => reject(new Error(`cannot reach the worker at ${url}: ${e.message}`)));
    req.end(body);
  });
  const reply = parseResponse(text);
  if ("error" in reply) throw new RpcError(reply.error.code, reply.error.message);
  return reply.result;
}
