// What a stage handler threw, as its failure level and message: the handler tests assert where each error is
// classified (STYLE: `.temp()`, `.abort()`, ... at the point where the error is understood).
import assert from "node:assert/strict";
import { Failure } from "../../agent/worker/failure.js";

/** Awaits `p`, which must reject with a Failure: its [level, message]. */
export async function failureLevel(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Failure, String(e));
    return [e.level, e.message];
  }
  assert.fail("expected a Failure");
}
