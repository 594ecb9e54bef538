// The manager's HTTP surface: POST /rpc/v0 (JSON-RPC), GET /healthcheck, GET /metrics, GET and PUT
// /piecestore/<cid>.
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import type { BlockList } from "node:net";
import { encodeError, RpcErrorCode } from "../../shared/rpc/json-rpc.js";
import { allows, verifyToken } from "../auth/tokens.js";
import { isTrusted } from "../auth/trusted-addresses.js";
import type { ManagerContext } from "../context.js";
import { piecePath } from "../deals/deal.service.js";
import { PieceUploadError, storeUploadedPiece } from "../deals/piece-upload.js";
import { type RpcMetrics, renderGauges } from "../metrics/rpc-metrics.js";
import { countSectorsByState } from "../sectors/sector.repository.js";
import { dispatch } from "./dispatch.js";
import type { Permission } from "./method-table.js";

export interface HttpOptions {
  secret: Buffer;
  trusted: BlockList;
  maxBodyBytes: number;
  metrics: RpcMetrics;
}

function permissionOf(req: http.IncomingMessage, opts: HttpOptions): Permission | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return verifyToken(opts.secret, auth.slice("Bearer ".length).trim());
  if (isTrusted(opts.trusted, req.socket.remoteAddress)) return "admin";
  return null;
}

function send(res: http.ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function handleRpc(ctx: ManagerContext, opts: HttpOptions, req: http.IncomingMessage, res: http.ServerResponse) {
  const perm = permissionOf(req, opts);
  if (perm === null) {
    req.resume();
    send(
      res,
      401,
      encodeError(
        null,
        RpcErrorCode.Unauthorized,
        "unauthorized: send Authorization: Bearer <token> (sealfarm manager token create)",
      ),
    );
    return;
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  const tooLarge = () =>
    encodeError(
      null,
      RpcErrorCode.RequestTooLarge,
      `request body larger than rpc.max_body_bytes (${opts.maxBodyBytes} bytes)`,
    );
  if (declared > opts.maxBodyBytes) {
    res.setHeader("connection", "close");
    send(res, 413, tooLarge());
    req.destroy();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > opts.maxBodyBytes) {
      res.setHeader("connection", "close");
      send(res, 413, tooLarge());
      req.destroy();
      return;
    }
    chunks.push(chunk);
  }
  const result = await dispatch(ctx, Buffer.concat(chunks).toString("utf8"), perm, opts.metrics);
  send(res, 200, result.body);
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

/** PUT /piecestore/<cid>: "write" permission, like the sealing calls workers make. */
async function handlePieceUpload(
  ctx: ManagerContext,
  opts: HttpOptions,
  cid: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const refuse = (status: number, message: string) => {
    res.setHeader("connection", "close");
    send(res, status, `${JSON.stringify({ error: message })}\n`);
    req.destroy();
  };
  const perm = permissionOf(req, opts);
  if (perm === null) return refuse(401, "unauthorized: send Authorization: Bearer <token> (write)");
  if (!allows(perm, "write"))
    return refuse(403, `PUT /piecestore needs the "write" permission, the token has "${perm}"`);
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  try {
    const stored = await storeUploadedPiece(ctx, cid, req as AsyncIterable<Buffer>, declared);
    send(res, 200, `${JSON.stringify(stored)}\n`);
  } catch (error) {
    if (error instanceof PieceUploadError) return refuse(error.status, error.message);
    if (req.destroyed || req.readableAborted) {
      console.error(`sealfarm manager: PUT /piecestore/${cid}: the upload was cut short; nothing kept`);
      return;
    }
    throw error;
  }
}

export function createHttpServer(ctx: ManagerContext, opts: HttpOptions): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? "/";
    const route = async () => {
      if (url === "/rpc/v0" || url.startsWith("/rpc/v0?")) {
        if (req.method !== "POST") return send(res, 405, encodeError(null, RpcErrorCode.InvalidRequest, "use POST"));
        return handleRpc(ctx, opts, req, res);
      }
      if (req.method === "GET" && url === "/healthcheck") return send(res, 200, "ok\n", "text/plain");
      if (req.method === "GET" && url === "/metrics") return handleMetrics(ctx, opts, res);
      if (req.method === "GET" && url.startsWith("/piecestore/"))
        return handlePiece(ctx, url.slice("/piecestore/".length).replace(/\.car$/, ""), res);
      if (req.method === "PUT" && url.startsWith("/piecestore/"))
        return handlePieceUpload(ctx, opts, url.slice("/piecestore/".length), req, res);
      send(res, 404, `no route for ${req.method} ${url}\n`, "text/plain");
    };
    route().catch((error: unknown) => {
      console.error(`sealfarm manager: ${req.method} ${url}: ${error instanceof Error ? error.message : error}`);
      if (!res.headersSent) send(res, 500, encodeError(null, RpcErrorCode.InternalError, "internal error"));
      else res.destroy();
    });
  });
}
