// Failure levels of a sealing step (damocles `src/sealing/failure.rs`). A handler classifies an error where it
// is understood (`temp(...)`, `crit(...)`); one loop in the thread decides what each level does.

import type { FailureLevel } from "../shared/rpc/venus-types.js";

export class Failure extends Error {
  override readonly name = "Failure";
  constructor(
    readonly level: FailureLevel,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  /** `permanent: s-t01000-42 PC2Done→PCSubmitted: …` when the sector and step are known. */
  describe(where?: string): string {
    return where === undefined ? `${this.level}: ${this.message}` : `${this.level}: ${where}: ${this.message}`;
  }
}

const text = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const wrap = (level: FailureLevel, e: unknown, context?: string): Failure => {
  if (e instanceof Failure) return e;
  return new Failure(level, context === undefined ? text(e) : `${context}: ${text(e)}`, { cause: e });
};

/** May succeed later (an RPC error, a busy store): retried up to `max_retries`. */
export const temp = (e: unknown, context?: string): Failure => wrap("temporary", e, context);
/** Needs a human: the thread pauses. */
export const perm = (e: unknown, context?: string): Failure => wrap("permanent", e, context);
/** The sector is dead: reported aborted and cleaned up, the thread moves on. */
export const abort = (e: unknown, context?: string): Failure => wrap("abort", e, context);
/** A local fault (file system, unexpected transition): the thread pauses. */
export const crit = (e: unknown, context?: string): Failure => wrap("critical", e, context);

/** Anything that escapes a handler unclassified is treated as critical: it is a bug or a local fault. */
export function asFailure(e: unknown): Failure {
  return e instanceof Failure ? e : crit(e);
}

export interface RetryDecision {
  /** The level the loop must now act on. */
  level: FailureLevel;
  /** The retry counter to persist with the sector. */
  retry: number;
}

/**
 * damocles `common/task.rs::retry`: a temporary failure is retried while `retry < maxRetries` (the counter is
 * persisted); once the budget is spent the counter resets and the failure escalates (`Permanent` for sealing
 * plans, `Abort` for wdpost). Other levels pass through unchanged.
 */
export function decideRetry(
  level: FailureLevel,
  retry: number,
  maxRetries: number,
  escalateTo: "permanent" | "abort" = "permanent",
): RetryDecision {
  if (level !== "temporary") return { level, retry };
  if (retry < maxRetries) return { level: "temporary", retry: retry + 1 };
  return { level: escalateTo, retry: 0 };
}
