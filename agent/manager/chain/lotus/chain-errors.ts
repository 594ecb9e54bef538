// Every failure of a chain call is classified once, here: temporary (the node is unreachable or slow, answered 5xx or
// 429, the chain reorganized or is behind; the same call later may succeed, so sectors wait and retry) or permanent
// (bad token or permission, unknown method, the actor rejected the message; retrying the same call cannot help).
// Pure. Messages never contain the token: the client builds them from the method name and the URL without userinfo.
import { exitCodeName, isRetryableExitCode } from "../filecoin/exit-codes.js";

export type ChainFailureKind = "temporary" | "permanent";

export class ChainError extends Error {
  override name = "ChainError";
  constructor(
    readonly kind: ChainFailureKind,
    readonly method: string,
    message: string,
    /** The actor exit code when the node reports a message execution failure. */
    readonly exitCode: number | null = null,
  ) {
    super(`${kind}: ${method}: ${message}`);
  }
  get temporary(): boolean {
    return this.kind === "temporary";
  }
}

/** A failure below HTTP (no reply at all): temporary (the node restarts, the network heals), except a TLS
 * certificate the client refuses, which stays refused until the operator changes the config. */
export function classifyTransportError(code: string | undefined): ChainFailureKind {
  if (code !== undefined && /^(ERR_TLS_|CERT_|UNABLE_TO_VERIFY|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED)/.test(code))
    return "permanent";
  return "temporary";
}

/** null for a status that carries a JSON-RPC reply (2xx, and go-jsonrpc's 500 with an error body is read as one). */
export function classifyHttpStatus(status: number): ChainFailureKind | null {
  if (status >= 200 && status < 300) return null;
  if (status === 408 || status === 429 || status >= 500) return "temporary";
  return "permanent";
}

// Lotus error texts that mean "not now" rather than "never". Each comes from a Lotus code path a sealer meets:
// lookbacks and tipsets that are gone after a reorg, a node still syncing, mpool back-pressure, timeouts.
const TEMPORARY_TEXT = [
  /context deadline exceeded/i,
  /i\/o timeout/i,
  /connection (refused|reset)/i,
  /\bEOF\b/,
  /reorg/i,
  /(load|loading|find|get) tipset/i,
  /tipset .*not found/i,
  /lookback/i,
  /not in (the )?chain/i,
  /syncing|not synced|behind/i,
  /mpool is full|too many pending messages/i,
  /temporar/i,
  /from the future/i,
  /rate limit|too many requests/i,
  /shutting down/i,
];

/** JSON-RPC "internal error": the node failed to serve the call (a crash, a helper binary missing), not a verdict. */
const RPC_INTERNAL_ERROR = -32603;

/** The actor exit code in a Lotus gas-estimation failure ("… message execution failed: exit 16 …", "(RetCode=19)"). */
export function exitCodeInText(message: string): number | null {
  const m = /exit(?: code)?[ =:]*(\d+)|RetCode=(\d+)/i.exec(message);
  return m === null ? null : Number(m[1] ?? m[2]);
}

export function classifyRpcError(method: string, code: number, message: string): ChainError {
  if (code === -32601) return new ChainError("permanent", method, `the node has no such method (${message})`);
  if (code === 401 || /permission|unauthorized/i.test(message))
    return new ChainError("permanent", method, `not permitted: ${message}`);
  const exit = exitCodeInText(message);
  if (exit !== null && exit !== 0)
    return new ChainError(
      isRetryableExitCode(exit) ? "temporary" : "permanent",
      method,
      `${exitCodeName(exit)}: ${message}`,
      exit,
    );
  if (code === RPC_INTERNAL_ERROR || TEMPORARY_TEXT.some((re) => re.test(message)))
    return new ChainError("temporary", method, message);
  return new ChainError("permanent", method, message);
}

export function isTemporaryChainError(error: unknown): boolean {
  return error instanceof ChainError && error.temporary;
}
