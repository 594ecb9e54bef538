// The worker's own JSON-RPC (reference §5.5): HTTP POST at `/`, `VenusWorker.*` methods, no auth (it listens on
// 127.0.0.1 by default). `GET /metrics` on the same port serves Prometheus text.
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  encodeError,
  encodeRequest,
  encodeSuccess,
  parseRequest,
  parseResponse,
  RpcError,
  RpcErrorCode,
} from "../../shared/rpc/index.js";
import type { ThreadListEntry } from "../thread/thread-status.js";

export interface WorkerRpcHandlers {
  list(): ThreadListEntry[];
  pause(index: number): boolean;
  resume(index: number, state: string | null): boolean;
  version(): string;
  metrics(): string;
}

type Method = (params: unknown[]) => unknown;

export function workerMethods(h: WorkerRpcHandlers): Record<string, Method> {
  const index = (v: unknown): number => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      throw new RpcError(
        RpcErrorCode.InvalidParams,
        `params[0]: expected a thread index (integer >= 0), got ${JSON.stringify(v)}`,
      );
    return v;
  };
  const str = (v: unknown, at: string): string => {
    if (typeof v !== "string")
      throw new RpcError(RpcErrorCode.InvalidParams, `${at}: expected a string, got ${JSON.stringify(v)}`);
    return v;
  };
  return {
    "VenusWorker.WorkerList": () => h.list(),
    "VenusWorker.WorkerPause": (p) => h.pause(index(p[0])),
    "VenusWorker.WorkerResume": (p) => {
      const state = p[1] === undefined || p[1] === null ? null : str(p[1], "params[1]");
      return h.resume(index(p[0]), state);
    },
    "VenusWorker.WorkerSetEnv": (p) => {
      process.env[str(p[0], "params[0]")] = str(p[1], "params[1]");
      return null;
    },
    "VenusWorker.WorkerRemoveEnv": (p) => {
      delete process.env[str(p[0], "params[0]")];
      return null;
    },
    "VenusWorker.WorkerVersion": () => h.version(),
  };
}

export async function startWorkerRpcServer(
  host: string,
  port: number,
  handlers: WorkerRpcHandlers,
): Promise<{ server: http.Server; url: string; close(): Promise<void> }> {
  const methods = workerMethods(handlers);
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(handlers.metrics());
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on("end", () => {
      const parsed = parseRequest(Buffer.concat(chunks).toString("utf8"));
      let body: string;
      if (!parsed.ok) body = encodeError(parsed.id, parsed.error.code, parsed.error.message);
      else {
        const m = methods[parsed.request.method];
        if (m === undefined)
          body = encodeError(
            parsed.request.id,
            RpcErrorCode.MethodNotFound,
            `method ${parsed.request.method} not found`,
          );
        else {
          try {
            body = encodeSuccess(parsed.request.id, m(parsed.request.params));
          } catch (e) {
            const code = e instanceof RpcError ? e.code : RpcErrorCode.Generic;
            body = encodeError(parsed.request.id, code, e instanceof Error ? e.message : String(e));
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
  });
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

/** A client call to a worker's RPC (used by `sealfarm worker list|pause|resume`). */
export async function callWorker(url: string, method: string, params: unknown[], timeoutMs = 10_000): Promise<unknown> {
  const body = encodeRequest(0, method, params);
  const text = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", reject);
      },
    );
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
