// The manager's HTTP surface: POST /rpc/v0 (JSON-RPC), GET /healthcheck, GET /metrics, GET and PUT
// /piecestore/<cid>.
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import type { BlockList } from "node:net";
import { allows } from "../../../components/core/auth/tokens.js";
import type { SecretSource } from "../../shared/auth/secret-file.js";
import { isTrusted } from "../../shared/auth/trusted-addresses.js";
import { type ConnectionLimits, type ConnectionStats, guardConnections } from "../../shared/net/connection-guard.js";
import { encodeError, RpcErrorCode } from "../../shared/rpc/json-rpc.js";
import { sendJson, serveJsonRpc } from "../../shared/rpc/rpc-http.js";
import type { ManagerContext } from "../context.js";
import { piecePath } from "../deals/deal.service.js";
import { PieceUploadError, storeUploadedPiece } from "../deals/piece-upload.js";
import { type RpcMetrics, renderGauges } from "../metrics/rpc-metrics.js";
import { countSectorsByState } from "../sectors/sector.repository.js";
import { dispatch } from "./dispatch.js";
import type { Permission } from "./method-table.js";

export interface HttpOptions {
  secret: SecretSource;
  trusted: BlockList;
  maxBodyBytes: number;
  maxDepth: number;
  /** rpc.open_metrics: /metrics without a token from anywhere (default: a read token outside auth.trusted). */
  openMetrics: boolean;
  bodyTimeoutMs: number;
  metrics: RpcMetrics;
}

/** The permission a request carries: its token's, else admin from a trusted address, else none. A token that does
 * not verify (expired, revoked by a rotated secret, forged) is none even from a trusted address. */
function permissionOf(req: http.IncomingMessage, opts: HttpOptions): Permission | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return opts.secret.verify(auth.slice("Bearer ".length).trim());
  if (isTrusted(opts.trusted, req.socket.remoteAddress)) return "admin";
  return null;
}

function send(res: http.ServerResponse, status: number, body: string, type = "application/json"): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** Answers and closes the connection once the answer is out, without reading the rest of the body. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string): void {
  res.once("finish", () => req.destroy());
  res.setHeader("connection", "close");
  send(res, status, `${JSON.stringify({ error: message })}\n`);
}

const UNAUTHORIZED = "unauthorized: send Authorization: Bearer <token> (sealfarm manager token create)";

async function handleRpc(ctx: ManagerContext, opts: HttpOptions, req: http.IncomingMessage, res: http.ServerResponse) {
  const perm = permissionOf(req, opts);
  if (perm === null) {
    res.once("finish", () => req.destroy());
    sendJson(res, 401, encodeError(null, RpcErrorCode.Unauthorized, UNAUTHORIZED), true);
    return;
  }
  await serveJsonRpc(
    req,
    res,
    { maxBodyBytes: opts.maxBodyBytes, maxDepth: opts.maxDepth, bodyTimeoutMs: opts.bodyTimeoutMs },
    async (body) => (await dispatch(ctx, body, perm, opts.metrics)).body,
    (m) => console.error(`sealfarm manager: ${m}`),
  );
}

/** GET routes other than /healthcheck need a read token outside auth.trusted (none for an open /metrics). */
function mayRead(req: http.IncomingMessage, res: http.ServerResponse, opts: HttpOptions): boolean {
  const perm = permissionOf(req, opts);
  if (perm !== null && allows(perm, "read")) return true;
  refuse(req, res, 401, `${UNAUTHORIZED.replace("<token>", "<read token>")}`);
  return false;
}

async function handleMetrics(ctx: ManagerContext, opts: HttpOptions, res: http.ServerResponse) {
  const sectorsByState = await countSectorsByState(ctx.db);
  const faulty = await ctx.db
    .selectFrom("sectors")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("state", "=", "Active")
    .where("faulty", "=", 1)
    .executeTakeFirstOrThrow();
  const jobs = await ctx.db
    .selectFrom("wdpost_jobs")
    .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("state")
    .execute();
  const gauges = renderGauges({
    height: ctx.chain.head(),
    sectorsByState,
    faultySectors: Number(faulty.n),
    wdpostJobsByState: jobs.map((j) => ({ state: j.state, n: Number(j.n) })),
  });
  const text = [...gauges, ...opts.metrics.render()].join("\n");
  send(res, 200, `${text}\n`, "text/plain; version=0.0.4");
}

async function handlePiece(ctx: ManagerContext, cid: string, res: http.ServerResponse) {
  const path = /^[a-z0-9]+$/.test(cid) ? await piecePath(ctx, cid) : undefined;
  if (path === undefined) {
    send(res, 404, `piece ${cid} not found\n`, "text/plain");
    return;
  }
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(path).size });
  createReadStream(path).pipe(res);
}

/** PUT /piecestore/<cid>: "write" permission, like the sealing calls workers make. Every upload whose body arrived
 * gets an answer: refused (4xx), no space (507) or the check failed (500, with the reason). */
async function handlePieceUpload(
  ctx: ManagerContext,
  opts: HttpOptions,
  cid: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const perm = permissionOf(req, opts);
  if (perm === null) return refuse(req, res, 401, "unauthorized: send Authorization: Bearer <token> (write)");
  if (!allows(perm, "write"))
    return refuse(req, res, 403, `PUT /piecestore needs the "write" permission, the token has "${perm}"`);
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  try {
    // Not destroyed when storeUploadedPiece stops early (a refusal, a full disk): the answer must still go out.
    const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
    const stored = await storeUploadedPiece(ctx, cid, body, declared);
    send(res, 200, `${JSON.stringify(stored)}\n`);
  } catch (error) {
    if (error instanceof PieceUploadError) return refuse(req, res, error.status, error.message);
    if (!req.complete && (req.destroyed || req.readableAborted)) {
      console.error(`sealfarm manager: PUT /piecestore/${cid}: the upload was cut short; nothing kept`);
      return;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`sealfarm manager: PUT /piecestore/${cid}: nothing kept: ${message}`);
    if (code === "ENOSPC" || code === "EDQUOT")
      return refuse(req, res, 507, `the piece store is full (${code}): nothing kept`);
    return refuse(req, res, 500, `the piece could not be stored: ${message}; nothing kept`);
  }
}

export interface ManagerRequestHandler {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Requests being handled now. */
  inFlight(): number;
  /** Resolves once no request is in flight (graceful shutdown waits for it). */
  drained(): Promise<void>;
}

/** The manager's routes, for its plain listener and its TLS listener alike. */
export function createRequestHandler(ctx: ManagerContext, opts: HttpOptions): ManagerRequestHandler {
  let active = 0;
  let waiters: (() => void)[] = [];
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    active++;
    res.once("close", () => {
      active--;
      if (active === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    });
    const url = req.url ?? "/";
    const route = async () => {
      if (url === "/rpc/v0" || url.startsWith("/rpc/v0?")) {
        if (req.method !== "POST")
          return sendJson(res, 405, encodeError(null, RpcErrorCode.InvalidRequest, "use POST"));
        return handleRpc(ctx, opts, req, res);
      }
      if (req.method === "GET" && url === "/healthcheck") return send(res, 200, "ok\n", "text/plain");
      if (req.method === "GET" && url === "/metrics") {
        if (opts.openMetrics || mayRead(req, res, opts)) return handleMetrics(ctx, opts, res);
        return;
      }
      if (req.method === "GET" && url.startsWith("/piecestore/")) {
        if (mayRead(req, res, opts))
          return handlePiece(ctx, url.slice("/piecestore/".length).replace(/\.car$/, ""), res);
        return;
      }
      if (req.method === "PUT" && url.startsWith("/piecestore/"))
        return handlePieceUpload(ctx, opts, url.slice("/piecestore/".length), req, res);
      send(res, 404, `no route for ${req.method} ${url.slice(0, 200)}\n`, "text/plain");
    };
    route().catch((error: unknown) => {
      console.error(`sealfarm manager: ${req.method} ${url}: ${error instanceof Error ? error.message : error}`);
      if (!res.headersSent) send(res, 500, `${JSON.stringify({ error: "internal error" })}\n`);
      else res.destroy();
    });
  };
  return {
    handle,
    inFlight: () => active,
    drained: () => (active === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
  };
}

/** A plain HTTP server on the handler, with the connection limits applied. */
export function createHttpServer(
  handler: ManagerRequestHandler,
  limits: ConnectionLimits,
): { server: http.Server; connections: ConnectionStats } {
  const server = http.createServer(handler.handle);
  return { server, connections: guardConnections(server, limits) };
}
