import assert from "node:assert/strict";
import { test } from "node:test";
import { ExitCode, exitCodeName } from "../filecoin/exit-codes.js";
import { classifyHttpStatus, classifyRpcError, classifyTransportError, exitCodeInText } from "./chain-errors.js";

test("no reply at all is temporary, except a refused TLS certificate", () => {
  for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "EAI_AGAIN", undefined])
    assert.equal(classifyTransportError(code), "temporary", String(code));
  for (const code of ["DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID"])
    assert.equal(classifyTransportError(code), "permanent", code);
});

test("HTTP statuses: 5xx/408/429 temporary, other 4xx permanent, 2xx carries the reply", () => {
  assert.equal(classifyHttpStatus(200), null);
  for (const s of [500, 502, 503, 504, 408, 429]) assert.equal(classifyHttpStatus(s), "temporary", String(s));
  for (const s of [400, 401, 403, 404, 405]) assert.equal(classifyHttpStatus(s), "permanent", String(s));
});

test("JSON-RPC errors: unknown method and permissions are permanent; reorgs, lookbacks and timeouts temporary", () => {
  assert.equal(classifyRpcError("ChainHead", -32601, "method 'Filecoin.ChainHead' not found").kind, "permanent");
  // go-jsonrpc / lotus auth: "missing permission to invoke 'MpoolPushMessage' (need 'sign')".
  const perm = classifyRpcError("MpoolPushMessage", 1, "missing permission to invoke 'MpoolPushMessage' (need 'sign')");
  assert.equal(perm.kind, "permanent");
  assert.match(perm.message, /^permanent: MpoolPushMessage: not permitted: missing permission/);
  for (const text of [
    "loading tipset {bafy2bzace…}: blockstore: block not found",
    "failed to get tipset at lookback height",
    "context deadline exceeded",
    "chain reorg while waiting for message",
    "mpool is full",
    // The devnet (and go-jsonrpc on shutdown) while a StateWaitMsg is held open.
    "devnet shutting down",
  ])
    assert.equal(classifyRpcError("StateSearchMsg", 1, text).kind, "temporary", text);
  assert.equal(classifyRpcError("StateMinerInfo", 1, "actor not found").kind, "permanent");
  // -32603 internal error: the node could not serve the call (the devnet's proofs binary missing, a crash).
  assert.equal(classifyRpcError("MpoolPushMessage", -32603, "devnet: sealfarm-proofs not found").kind, "temporary");
});

test("a gas-estimation failure carries the actor's exit code: illegal argument is permanent, no funds temporary", () => {
  const text = "GasEstimateMessageGas error: estimating gas used: message execution failed: exit 16";
  assert.equal(exitCodeInText(text), 16);
  const e = classifyRpcError("MpoolPushMessage", 1, text);
  assert.equal(e.kind, "permanent");
  assert.equal(e.exitCode, ExitCode.ErrIllegalArgument);
  assert.match(e.message, /exit 16 \(ErrIllegalArgument\)/);
  const funds = classifyRpcError("MpoolPushMessage", 1, "message execution failed (exit=[19], RetCode=19)");
  assert.equal(funds.kind, "temporary");
  assert.equal(funds.exitCode, 19);
  assert.equal(exitCodeName(26), "exit 26 (ErrNotPayable)");
  assert.equal(exitCodeInText("no code here"), null);
});
