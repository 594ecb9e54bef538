// BatchReturn bytes assembled by hand from builtin-actors' tuple layout (fvm_ipld_encoding tuple of
// success_count: u32 and fail_codes: Vec<FailCode { idx: u32, code: ExitCode }>), each byte commented.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeBatchReturn } from "./batch-return.js";

test("a BatchReturn with one failure decodes to its count and (index, exit code)", () => {
  const bytes = Uint8Array.from([
    0x82, // array(2): the tuple
    0x02, // success_count = 2
    0x81, // fail_codes: array(1)
    0x82, // FailCode tuple
    0x01, // idx = 1
    0x10, // code = 16 (USR_ILLEGAL_ARGUMENT)
  ]);
  assert.deepEqual(decodeBatchReturn(bytes), { successCount: 2, failCodes: [{ index: 1, code: 16 }] });
});

test("all succeeded: an empty fail list; no return at all means the same", () => {
  assert.deepEqual(decodeBatchReturn(Uint8Array.from([0x82, 0x03, 0x80])), { successCount: 3, failCodes: [] });
  assert.deepEqual(decodeBatchReturn(new Uint8Array(0)).failCodes, []);
});

test("a return of another shape is refused with the path of the mismatch", () => {
  assert.throws(() => decodeBatchReturn(Uint8Array.from([0x81, 0x01])), /BatchReturn/);
});
