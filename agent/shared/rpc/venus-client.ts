// An HTTP client for the manager's `/rpc/v0`. The one place both the worker and the CLI send `Venus.*` calls.
import http from "node:http";
import https from "node:https";
import { pinnedTlsOptions, type TlsPin } from "../tls/pinned-tls.js";
import { encodeRequest, parseResponse, RpcError, RpcErrorCode } from "./json-rpc.js";
import { postJson } from "./post-json.js";
import { type VenusMethod, type VenusParams, type VenusResult, venusMethodName } from "./venus-methods.js";
import { checkVenusReply } from "./venus-replies.js";

export interface VenusClientOptions {
  /** The manager's base URL (`http://127.0.0.1:1789`) or its `/rpc/v0` URL; any other path is replaced. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  /** Per-call timeout; a timeout is an RpcError with code -32603. */
  timeoutMs?: number;
  /** For https:// URLs: the manager's pinned certificate (otherwise the system CAs). */
  tls?: TlsPin | undefined;
}

export interface VenusClient {
  /** Calls a method; the reply is checked against the method's shape (InvalidReplyError if it is not). */
  callVenus<M extends VenusMethod>(method: M, params: VenusParams<M>): Promise<VenusResult<M>>;
  /** Sends any method name and params (for tests of bad input and for plugins' namespaces). */
  callRaw(method: string, params: readonly unknown[]): Promise<unknown>;
  close(): void;
}

/** Normalizes a manager address to its RPC endpoint, as damocles-worker does (the path is always /rpc/v0). */
export function rpcEndpoint(url: string): URL {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`;
  const u = new URL(withScheme);
  u.pathname = "/rpc/v0";
  u.search = "";
  u.hash = "";
  return u;
}

export function createVenusClient(options: VenusClientOptions): VenusClient {
  const endpoint = rpcEndpoint(options.url);
  const secure = endpoint.protocol === "https:";
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: 1024,
        ...(options.tls === undefined ? {} : pinnedTlsOptions(options.tls)),
      })
    : new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const timeoutMs = options.timeoutMs ?? 30_000;
  // One counter per client starting at 0, like damocles-worker's.
  let nextId = 0;

  function post(body: string): Promise<{ status: number; text: string }> {
    return postJson({
      endpoint,
      agent,
      token: options.token,
      body,
      timeoutMs,
      timeoutError: () =>
        new RpcError(RpcErrorCode.InternalError, `no reply from ${endpoint.href} within ${timeoutMs} ms`),
    });
  }

  async function callRaw(method: string, params: readonly unknown[]): Promise<unknown> {
    const id = nextId++;
    const { status, text } = await post(encodeRequest(id, method, params));
    if (status === 401) throw new RpcError(RpcErrorCode.Unauthorized, `${method}: unauthorized (HTTP 401): ${text}`);
    // The HTTP status is otherwise ignored, as in damocles' fork: errors may arrive with 500.
    const reply = parseResponse(text);
    if ("error" in reply) throw new RpcError(reply.error.code, reply.error.message);
    return reply.result;
  }

  return {
    callVenus: async <M extends VenusMethod>(method: M, params: VenusParams<M>) =>
      checkVenusReply(method, await callRaw(venusMethodName(method), params)),
    callRaw,
    close: () => agent.destroy(),
  };
}

/** One call without keeping a client around. */
export async function callVenus<M extends VenusMethod>(
  options: VenusClientOptions,
  method: M,
  params: VenusParams<M>,
): Promise<VenusResult<M>> {
  const client = createVenusClient(options);
  try {
    return await client.callVenus(method, params);
  } finally {
    client.close();
  }
}
