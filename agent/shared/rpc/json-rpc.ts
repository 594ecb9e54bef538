// JSON-RPC 2.0 as damocles speaks it (ipfs-force's go-jsonrpc fork): positional params, `result`
// present even when null, errors `{code, message}`. Pure: strings in, values out, no I/O. Every body's nesting is
// bounded before JSON.parse runs (json-depth.ts), and values echoed in messages are cut short.
import { DEFAULT_MAX_JSON_DEPTH, withinJsonDepth } from "./json-depth.js";

/** The error codes sealfarm sends. Closed on purpose: a new code is a decision, not an accident. */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** damocles' generic error code. */
  Generic: 1,
  /** core/api_error_codes.go: the sector has no state on this manager; the worker aborts the sector. */
  SectorStateNotFound: 11001,
  /** sealfarm: the request carries no valid token (also sent with HTTP 401). */
  Unauthorized: 401,
  /** sealfarm: the body is larger than the server accepts (also sent with HTTP 413). */
  RequestTooLarge: 413,
} as const;
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

export type JsonRpcId = number | string | null;

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  method: string;
  params: unknown[];
  id: JsonRpcId;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type JsonRpcResponse =
  | { jsonrpc: "2.0"; id: JsonRpcId; result: unknown }
  | { jsonrpc: "2.0"; id: JsonRpcId; error: JsonRpcErrorObject };

/** An error an RPC method raises on purpose; the server turns it into the `error` member. */
export class RpcError extends Error {
  override readonly name = "RpcError";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Serializes a request with damocles' key order: jsonrpc, method, params, id. */
export function encodeRequest(id: JsonRpcId, method: string, params: readonly unknown[]): string {
  return JSON.stringify({ jsonrpc: "2.0", method, params, id });
}

export function encodeSuccess(id: JsonRpcId, result: unknown): string {
  // `result` must be present even when null: damocles-worker's parser rejects a reply without it.
  return JSON.stringify({ jsonrpc: "2.0", id, result: result === undefined ? null : result });
}

export function encodeError(id: JsonRpcId, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } });
}

export type ParsedRequest = { ok: true; request: JsonRpcRequest } | { ok: false; id: JsonRpcId; error: RpcError };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value for an error message: JSON, at most 60 characters. */
function shown(value: unknown): string {
  const text = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function tooDeep(maxDepth: number): string {
  return `nested deeper than ${maxDepth} levels`;
}

/** Parses one request body. Batches are not part of damocles' protocol and are refused. */
export function parseRequest(body: string, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): ParsedRequest {
  if (!withinJsonDepth(body, maxDepth))
    return {
      ok: false,
      id: null,
      error: new RpcError(RpcErrorCode.InvalidRequest, `invalid request: ${tooDeep(maxDepth)}`),
    };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, id: null, error: new RpcError(RpcErrorCode.ParseError, `parse error: ${why}`) };
  }
  if (!isRecord(value)) {
    const what = Array.isArray(value) ? "an array (batches are not supported)" : shown(value);
    return {
      ok: false,
      id: null,
      error: new RpcError(RpcErrorCode.InvalidRequest, `invalid request: expected a JSON object, got ${what}`),
    };
  }
  const rawId = value.id;
  const id: JsonRpcId = typeof rawId === "number" || typeof rawId === "string" ? rawId : null;
  const bad = (message: string): ParsedRequest => ({
    ok: false,
    id,
    error: new RpcError(RpcErrorCode.InvalidRequest, `invalid request: ${message}`),
  });
  if (value.jsonrpc !== undefined && value.jsonrpc !== "2.0")
    return bad(`/jsonrpc: expected "2.0", got ${shown(value.jsonrpc)}`);
  if (rawId !== undefined && rawId !== null && typeof rawId !== "number" && typeof rawId !== "string")
    return bad(`/id: expected a number or a string, got ${shown(rawId)}`);
  if (typeof value.method !== "string" || value.method === "")
    return bad(`/method: expected a method name string, got ${shown(value.method)}`);
  const params = value.params === undefined || value.params === null ? [] : value.params;
  if (!Array.isArray(params))
    return bad(`/params: expected a positional array, got ${isRecord(params) ? "an object" : shown(params)}`);
  return { ok: true, request: { jsonrpc: "2.0", method: value.method, params, id } };
}

/** Parses a reply, checking the envelope the way damocles-worker does (exactly one of result/error). */
export function parseResponse(body: string, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): JsonRpcResponse {
  if (!withinJsonDepth(body, maxDepth)) throw new RpcError(RpcErrorCode.ParseError, `reply ${tooDeep(maxDepth)}`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new RpcError(RpcErrorCode.ParseError, `reply is not JSON: ${error instanceof Error ? error.message : error}`);
  }
  if (!isRecord(value)) throw new RpcError(RpcErrorCode.ParseError, "reply is not a JSON object");
  const id = (value.id ?? null) as JsonRpcId;
  const hasResult = Object.hasOwn(value, "result");
  const hasError = Object.hasOwn(value, "error");
  if (hasResult === hasError)
    throw new RpcError(RpcErrorCode.ParseError, "reply must carry exactly one of `result` and `error`");
  if (hasError) {
    const e = value.error;
    if (!isRecord(e) || typeof e.code !== "number" || typeof e.message !== "string")
      throw new RpcError(RpcErrorCode.ParseError, "reply `error` must be {code: number, message: string}");
    return { jsonrpc: "2.0", id, error: { code: e.code, message: e.message } };
  }
  return { jsonrpc: "2.0", id, result: value.result };
}
