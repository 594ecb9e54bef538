// One JSON-RPC request → one reply string: parse, look up, authorize, check params, run. Errors from services
// keep their code; anything unexpected becomes an internal error with its message (never a bare "undefined").

import { allows } from "../../../components/core/auth/tokens.js";
import { encodeError, encodeSuccess, parseRequest, RpcError, RpcErrorCode } from "../../shared/rpc/json-rpc.js";
import { methodMap } from "../../shared/rpc/rpc-http.js";
import { ParamError } from "../../shared/rpc/value-checks.js";
import type { VenusMethod } from "../../shared/rpc/venus-methods.js";
import type { ManagerContext } from "../context.js";
import type { RpcMetrics } from "../metrics/rpc-metrics.js";
import { type MethodSpec, methodTable, type Permission } from "./method-table.js";

export interface DispatchResult {
  body: string;
  method: string;
  failed: boolean;
}

/** The only way a method name reaches code: an explicit Map of `Venus.<name>` to its spec. */
const methods: ReadonlyMap<string, MethodSpec<VenusMethod>> = methodMap(
  Object.fromEntries(Object.entries(methodTable).map(([name, spec]) => [`Venus.${name}`, spec])) as Record<
    string,
    MethodSpec<VenusMethod>
  >,
);

function lookup(name: string): MethodSpec<VenusMethod> | undefined {
  return methods.get(name);
}

export async function dispatch(
  ctx: ManagerContext,
  body: string,
  perm: Permission,
  metrics?: RpcMetrics,
): Promise<DispatchResult> {
  const started = performance.now();
  const parsed = parseRequest(body);
  if (!parsed.ok)
    return { body: encodeError(parsed.id, parsed.error.code, parsed.error.message), method: "-", failed: true };
  const { id, method, params } = parsed.request;
  const spec = lookup(method);
  let result: DispatchResult;
  try {
    if (spec === undefined) throw new RpcError(RpcErrorCode.MethodNotFound, `method not found: ${method}`);
    if (!allows(perm, spec.perm))
      throw new RpcError(
        RpcErrorCode.Unauthorized,
        `${method} needs the "${spec.perm}" permission, the token has "${perm}"`,
      );
    if (params.length !== spec.params.length)
      throw new RpcError(
        RpcErrorCode.InvalidParams,
        `${method}: expected ${spec.params.length} params (${spec.params.map(([n]) => n).join(", ") || "none"}), got ${params.length}`,
      );
    const args = spec.params.map(([name, check], i) => {
      try {
        return check(params[i], "");
      } catch (error) {
        if (error instanceof ParamError)
          throw new RpcError(
            RpcErrorCode.InvalidParams,
            `${method}: param ${i} (${name}) ${error.pointer || "/"}: ${error.problem}`,
          );
        throw error;
      }
    });
    const value = await (spec.run as (ctx: ManagerContext, ...a: unknown[]) => Promise<unknown>)(ctx, ...args);
    result = { body: encodeSuccess(id, value), method, failed: false };
  } catch (error) {
    if (error instanceof RpcError) result = { body: encodeError(id, error.code, error.message), method, failed: true };
    else {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.error(`sealfarm manager: ${method} failed: ${message}`);
      result = {
        body: encodeError(id, RpcErrorCode.InternalError, `${method}: internal error: ${message}`),
        method,
        failed: true,
      };
    }
  }
  metrics?.observe(spec === undefined ? "unknown" : method, performance.now() - started, result.failed);
  return result;
}
