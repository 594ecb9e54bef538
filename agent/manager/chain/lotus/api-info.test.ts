import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiInfoError, endpointFromUrl, parseApiInfo } from "./api-info.js";

test("FULLNODE_API_INFO as `lotus auth api-info` prints it", () => {
  assert.deepEqual(parseApiInfo("eyJhbGciOiJIUzI1NiJ9.e30.sig:/ip4/10.0.0.5/tcp/1234/http"), {
    url: "http://10.0.0.5:1234/rpc/v1",
    token: "eyJhbGciOiJIUzI1NiJ9.e30.sig",
  });
  assert.deepEqual(parseApiInfo("/ip4/127.0.0.1/tcp/1234"), { url: "http://127.0.0.1:1234/rpc/v1", token: undefined });
  assert.equal(parseApiInfo("T:/dns/lotus.internal/tcp/443/https").url, "https://lotus.internal:443/rpc/v1");
  assert.equal(parseApiInfo("T:/ip6/::1/tcp/1234/http").url, "http://[::1]:1234/rpc/v1");
  assert.equal(parseApiInfo("T:ws://10.0.0.5:1234/rpc/v1").url, "http://10.0.0.5:1234/rpc/v1");
  assert.throws(() => parseApiInfo("T:/ip4/10.0.0.5/udp/1234/http"), /expected FULLNODE_API_INFO like/);
});

test("URLs: ws becomes http, the path defaults to /rpc/v1, credentials in the URL are refused", () => {
  assert.equal(endpointFromUrl("ws://127.0.0.1:1234/rpc/v1"), "http://127.0.0.1:1234/rpc/v1");
  assert.equal(endpointFromUrl("wss://node.example:443"), "https://node.example/rpc/v1");
  assert.equal(endpointFromUrl("http://127.0.0.1:1234"), "http://127.0.0.1:1234/rpc/v1");
  assert.throws(() => endpointFromUrl("ftp://x/"), /http, https, ws or wss URL, got "ftp"/);
  assert.throws(
    () => endpointFromUrl("http://user:secret@x/rpc/v1"),
    (e: Error) => {
      assert.ok(e instanceof ApiInfoError);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    },
  );
  assert.throws(() => endpointFromUrl("not a url"), /expected a URL/);
});
