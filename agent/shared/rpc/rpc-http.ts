// The JSON-RPC-over-HTTP layer the manager (/rpc/v0) and the worker (/) share: the body is read with its size and
// nesting bounded while it arrives (nothing is parsed before both are known to be small), every failure is a
// JSON-RPC error reply (never an HTTP 500, never an exception out of a request handler), and methods are looked up
// in an explicit Map (a name like `constructor` or `toString` finds nothing).
import type http from "node:http";
import { JsonDepthScanner } from "./json-depth.js";
import { encodeError, RpcErrorCode } from "./json-rpc.js";

export interface RpcBodyLimits {
  maxBodyBytes: number;
  maxDepth: number;
  /** The whole body must arrive within this time (a slow client is cut off); default 30 s. */
  bodyTimeoutMs?: number;
}

export type RpcBody = { ok: true; text: string } | { ok: false; status: 400 | 413; reply: string };

/** Own entries of a plain record as a Map: the only way a method name becomes a handler. */
export function methodMap<T>(record: Readonly<Record<string, T>>): ReadonlyMap<string, T> {
  return new Map(Object.entries(record));
}

export function sendJson(res: http.ServerResponse, status: number, body: string, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const headers: http.OutgoingHttpHeaders = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  };
  if (close) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(body);
}

/** Reads a request body within the limits. A refusal stops reading at once, leaving the stream paused (not
 * destroyed, so the reply can still be written); the caller closes the connection after replying. Rejects when the
 * client goes away or the body misses its deadline. */
export function readRpcBody(req: http.IncomingMessage, limits: RpcBodyLimits): Promise<RpcBody> {
  const tooLarge: RpcBody = {
    ok: false,
    status: 413,
    reply: encodeError(
      null,
      RpcErrorCode.RequestTooLarge,
      `request body larger than rpc.max_body_bytes (${limits.maxBodyBytes} bytes)`,
    ),
  };
  const tooDeep: RpcBody = {
    ok: false,
    status: 400,
    reply: encodeError(
      null,
      RpcErrorCode.InvalidRequest,
      `invalid request: nested deeper than ${limits.maxDepth} levels`,
    ),
  };
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!(declared <= limits.maxBodyBytes)) return Promise.resolve(tooLarge);
  return new Promise<RpcBody>((resolve, reject) => {
    const scanner = new JsonDepthScanner(limits.maxDepth);
    const chunks: Buffer[] = [];
    let size = 0;
    const deadline = setTimeout(() => req.destroy(new Error("request body too slow")), limits.bodyTimeoutMs ?? 30_000);
    const finish = (result: RpcBody | Error) => {
      clearTimeout(deadline);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes || !scanner.feed(chunk)) {
        req.pause();
        finish(size > limits.maxBodyBytes ? tooLarge : tooDeep);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, text: Buffer.concat(chunks).toString("utf8") });
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error("client closed the connection mid-body"));
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
  });
}

/** Reads, bounds and answers one JSON-RPC request; `handle` turns a bounded body into a reply string. Anything
 * `handle` throws is answered as an internal error (logged through `log`). */
export async function serveJsonRpc(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  limits: RpcBodyLimits,
  handle: (body: string) => Promise<string>,
  log: (message: string) => void,
): Promise<void> {
  let body: RpcBody;
  try {
    body = await readRpcBody(req, limits);
  } catch {
    // The client went away mid-body: nobody to answer.
    res.destroy();
    return;
  }
  if (!body.ok) {
    // The rest of the body is never read: the socket closes once the reply is out.
    res.once("finish", () => req.destroy());
    sendJson(res, body.status, body.reply, true);
    return;
  }
  let reply: string;
  try {
    reply = await handle(body.text);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log(`JSON-RPC request failed: ${message}`);
    reply = encodeError(null, RpcErrorCode.InternalError, `internal error: ${message}`);
  }
  sendJson(res, 200, reply);
}
