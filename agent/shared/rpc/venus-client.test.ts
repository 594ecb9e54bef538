import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { RpcError } from "./json-rpc.js";
import { createVenusClient, rpcEndpoint } from "./venus-client.js";

// A real HTTP server on an ephemeral loopback port that records what the client sends.
let server: http.Server;
let url = "";
const seen: { body: string; auth: string | undefined; path: string | undefined }[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ body, auth: req.headers.authorization, path: req.url });
      const { id, method } = JSON.parse(body) as { id: number; method: string };
      if (method === "Venus.AssignTicket") {
        res.writeHead(500).end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: 11001, message: "no sector" } }));
      } else if (method === "Venus.Denied") {
        res.writeHead(401).end("token required");
      } else {
        res.writeHead(200).end(JSON.stringify({ jsonrpc: "2.0", id, result: null }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

test("rpcEndpoint always targets /rpc/v0", () => {
  assert.equal(rpcEndpoint("127.0.0.1:1789").href, "http://127.0.0.1:1789/rpc/v0");
  assert.equal(rpcEndpoint("http://h:1/other?x=1").href, "http://h:1/rpc/v0");
});

test("callVenus posts positional params with ids from 0 and a bearer token", async () => {
  const client = createVenusClient({ url, token: "tok" });
  try {
    assert.equal(await client.callVenus("ReportFinalized", [{ Miner: 1000, Number: 3 }]), null);
    await client.callVenus("WorkerPingInfoList", []);
  } finally {
    client.close();
  }
  const [first, second] = seen.slice(-2);
  assert.equal(first?.path, "/rpc/v0");
  assert.equal(first?.auth, "Bearer tok");
  assert.equal(
    first?.body,
    '{"jsonrpc":"2.0","method":"Venus.ReportFinalized","params":[{"Miner":1000,"Number":3}],"id":0}',
  );
  assert.match(second?.body ?? "", /"id":1}$/);
});

test("an error reply becomes an RpcError with its code, whatever the HTTP status", async () => {
  const client = createVenusClient({ url });
  try {
    await assert.rejects(client.callVenus("AssignTicket", [{ Miner: 1000, Number: 9 }]), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, 11001);
      assert.equal(e.message, "no sector");
      return true;
    });
    await assert.rejects(client.callRaw("Venus.Denied", []), /unauthorized \(HTTP 401\)/);
  } finally {
    client.close();
  }
});
