import assert from "node:assert/strict";
import { test } from "node:test";
import { OnChainState } from "../../shared/rpc/venus-types.js";
import { messageStagePoll } from "./message-stage-poll.js";

test("a stage never submitted is Failed with the caller's explanation, not the stored description", () => {
  assert.deepEqual(messageStagePoll("none", "stale", "no proof was submitted"), {
    State: OnChainState.Failed,
    Desc: "no proof was submitted",
  });
});

test("every other stage keeps its stored description", () => {
  assert.deepEqual(messageStagePoll("queued", null, "x"), { State: OnChainState.Pending, Desc: null });
  assert.deepEqual(messageStagePoll("sent", null, "x"), { State: OnChainState.Packed, Desc: null });
  assert.deepEqual(messageStagePoll("landed", "m1", "x"), { State: OnChainState.Landed, Desc: "m1" });
  assert.deepEqual(messageStagePoll("failed", "gas", "x"), { State: OnChainState.Failed, Desc: "gas" });
  assert.deepEqual(messageStagePoll("permfailed", "refused", "x"), { State: OnChainState.PermFailed, Desc: "refused" });
});
