import assert from "node:assert/strict";
import { test } from "node:test";
import {
  encodeError,
  encodeRequest,
  encodeSuccess,
  parseRequest,
  parseResponse,
  RpcError,
  RpcErrorCode,
} from "./json-rpc.js";

test("requests keep damocles' key order: jsonrpc, method, params, id", () => {
  assert.equal(
    encodeRequest(0, "Venus.AllocateSector", [{ AllowedMiners: [1000], AllowedProofTypes: [5] }]),
    '{"jsonrpc":"2.0","method":"Venus.AllocateSector","params":[{"AllowedMiners":[1000],"AllowedProofTypes":[5]}],"id":0}',
  );
});

test("a null result is still sent as `result: null`", () => {
  assert.equal(encodeSuccess(7, null), '{"jsonrpc":"2.0","id":7,"result":null}');
  assert.equal(encodeSuccess(7, undefined), '{"jsonrpc":"2.0","id":7,"result":null}');
  assert.equal(encodeError(3, 11001, "x"), '{"jsonrpc":"2.0","id":3,"error":{"code":11001,"message":"x"}}');
});

test("parseRequest accepts positional params and fills missing params with []", () => {
  const r = parseRequest('{"jsonrpc":"2.0","method":"Venus.WorkerPingInfoList","id":"a"}');
  assert.deepEqual(r, {
    ok: true,
    request: { jsonrpc: "2.0", method: "Venus.WorkerPingInfoList", params: [], id: "a" },
  });
});

test("parseRequest names what is wrong", () => {
  const cases: [string, number, RegExp][] = [
    ["{not json", RpcErrorCode.ParseError, /parse error/],
    ["[1,2]", RpcErrorCode.InvalidRequest, /batches are not supported/],
    ['"str"', RpcErrorCode.InvalidRequest, /expected a JSON object/],
    ['{"jsonrpc":"1.0","method":"m","id":1}', RpcErrorCode.InvalidRequest, /\/jsonrpc: expected "2.0"/],
    ['{"jsonrpc":"2.0","id":1}', RpcErrorCode.InvalidRequest, /\/method: expected a method name/],
    [
      '{"jsonrpc":"2.0","method":"m","params":{"a":1},"id":1}',
      RpcErrorCode.InvalidRequest,
      /\/params: expected a positional array, got an object/,
    ],
    ['{"jsonrpc":"2.0","method":"m","id":{"x":1}}', RpcErrorCode.InvalidRequest, /\/id: expected a number or a string/],
  ];
  for (const [body, code, message] of cases) {
    const r = parseRequest(body);
    assert.equal(r.ok, false, body);
    if (!r.ok) {
      assert.equal(r.error.code, code, body);
      assert.match(r.error.message, message, body);
    }
  }
  const withId = parseRequest('{"jsonrpc":"2.0","id":5,"params":[]}');
  assert.equal(withId.ok ? "ok" : withId.id, 5);
});

test("parseResponse insists on exactly one of result and error", () => {
  assert.deepEqual(parseResponse('{"jsonrpc":"2.0","id":1,"result":null}'), { jsonrpc: "2.0", id: 1, result: null });
  assert.deepEqual(parseResponse('{"id":2,"error":{"code":11001,"message":"gone"}}'), {
    jsonrpc: "2.0",
    id: 2,
    error: { code: 11001, message: "gone" },
  });
  assert.throws(() => parseResponse('{"jsonrpc":"2.0","id":1}'), RpcError);
  assert.throws(() => parseResponse('{"id":1,"result":1,"error":{"code":1,"message":"m"}}'), /exactly one/);
  assert.throws(() => parseResponse('{"id":1,"error":{"code":"x"}}'), /code: number/);
  assert.throws(() => parseResponse("<html>"), /not JSON/);
});
