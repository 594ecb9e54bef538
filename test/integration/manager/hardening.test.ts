// Issue 15, the manager's network side, each attack as the issue wrote it: the 800 KB deeply nested body, method
// names that are Object.prototype members, deal bytes and /metrics to callers without a token, tokens that never
// expire or survive a rotated secret, 21,000 idle sockets, a slowloris client, and Allocated rows nobody took.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../../../agent/cli/main.js";
import { findSector, sectorTimeline } from "../../../agent/manager/sectors/sector.repository.js";
import { loadOrCreateSecret } from "../../../agent/shared/auth/secret-file.js";
import { createVenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { createToken } from "../../../components/core/auth/tokens.js";
import { DIALECTS, type TestDatabase } from "./dialects.js";
import {
  type ManagerUnderTestOptions,
  managerUnderTest,
  startManagerUnderTest,
  tokensRequiredToml,
} from "./manager-under-test.js";

const ALLOC = {
  jsonrpc: "2.0",
  method: "Venus.AllocateSector",
  params: [{ AllowedMiners: null, AllowedProofTypes: null }],
};

/** A manager that trusts no address, so every request needs a token (the test makes its clients), plus `extra`. */
function tokensOnly(extra: string, beforeStart?: (tdb: TestDatabase) => Promise<void>): ManagerUnderTestOptions {
  return { client: false, managerToml: tokensRequiredToml(extra), beforeStart };
}

function tokenFor(tdb: TestDatabase, perm: "read" | "write" | "admin", expiresAtMs?: number): string {
  return createToken(loadOrCreateSecret(join(tdb.home, "auth.secret")), perm, expiresAtMs ? { expiresAtMs } : {});
}

async function post(url: string, body: string, token?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/rpc/v0`, { method: "POST", body, headers });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

describe("the JSON-RPC layer", () => {
  const { tdb, manager } = managerUnderTest("sqlite", tokensOnly(""));
  let admin = "";
  before(async () => {
    admin = tokenFor(tdb(), "admin");
  });

  test("an 800 KB body nested deep in `jsonrpc` gets a JSON-RPC error, not an HTTP 500, and nothing else changes", async () => {
    const depth = 400_000;
    const body = `{"jsonrpc":${"[".repeat(depth)}${"]".repeat(depth)},"method":"Venus.AllocateSector","params":[],"id":1}`;
    assert.ok(body.length > 800_000);
    const r = await post(manager().url, body, admin);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "invalid request: nested deeper than 32 levels" },
    });
    // The same depth in params, then a request that is fine: the manager is alive and allocated nothing before.
    const inParams = `{"jsonrpc":"2.0","method":"Venus.AllocateSector","params":${"[".repeat(1000)}${"]".repeat(1000)},"id":2}`;
    assert.equal((await post(manager().url, inParams, admin)).status, 400);
    const ok = await post(manager().url, JSON.stringify({ ...ALLOC, id: 3 }), admin);
    assert.equal((ok.json as { result: { ID: { Number: number } } }).result.ID.Number, 1);
  });

  test("prototype member names are not methods", async () => {
    for (const method of [
      "constructor",
      "toString",
      "__proto__",
      "hasOwnProperty",
      "Venus.constructor",
      "Venus.__proto__",
      "Venus.toString",
    ]) {
      const r = await post(manager().url, JSON.stringify({ jsonrpc: "2.0", method, params: [], id: 9 }), admin);
      assert.equal(r.status, 200, method);
      assert.equal((r.json as { error: { code: number } }).error.code, -32601, method);
    }
  });

  test("a body over rpc.max_body_bytes is refused with 413 and a JSON-RPC error before it is read", async () => {
    const r = await post(manager().url, `{"x":"${"a".repeat(4 * 1024 * 1024 + 10)}"}`, admin);
    assert.equal(r.status, 413);
    assert.equal((r.json as { error: { code: number } }).error.code, 413);
  });
});

describe("reads need a token outside auth.trusted", () => {
  let cid = "";
  // Imported before the manager starts: the CLI and a running manager do not share the SQLite write lock.
  const { tdb, manager } = managerUnderTest(
    "sqlite",
    tokensOnly("", async (t) => {
      const car = join(t.home, "deal.car");
      writeFileSync(car, Buffer.alloc(1000, 7));
      let out = "";
      let err = "";
      const code = await main(["deals", "import", car, "--home", t.home, "--json"], {
        out: (o) => (out += o),
        err: (o) => (err += o),
      });
      assert.equal(code, 0, err);
      cid = (JSON.parse(out) as { pieceCid: string }).pieceCid;
    }),
  );

  test("GET /piecestore/<cid> serves deal bytes only with a read token", async () => {
    const anonymous = await fetch(`${manager().url}/piecestore/${cid}`);
    assert.equal(anonymous.status, 401);
    assert.match(await anonymous.text(), /unauthorized/);
    const forged = await fetch(`${manager().url}/piecestore/${cid}`, {
      headers: { authorization: "Bearer sf1.e30.AAAA" },
    });
    assert.equal(forged.status, 401);
    const read = await fetch(`${manager().url}/piecestore/${cid}`, {
      headers: { authorization: `Bearer ${tokenFor(tdb(), "read")}` },
    });
    assert.equal(read.status, 200);
    assert.equal((await read.arrayBuffer()).byteLength, 1000);
  });

  test("GET /metrics needs a read token unless rpc.open_metrics", async () => {
    assert.equal((await fetch(`${manager().url}/metrics`)).status, 401);
    const read = await fetch(`${manager().url}/metrics`, {
      headers: { authorization: `Bearer ${tokenFor(tdb(), "read")}` },
    });
    assert.equal(read.status, 200);
    assert.match(await read.text(), /sealfarm_/);
    assert.equal((await fetch(`${manager().url}/healthcheck`)).status, 200);
    const open = await startManagerUnderTest("sqlite", tokensOnly("[rpc]\nopen_metrics = true\n"));
    try {
      assert.equal((await fetch(`${open.manager.url}/metrics`)).status, 200);
      assert.equal((await fetch(`${open.manager.url}/piecestore/${cid}`)).status, 401);
    } finally {
      await open.close();
    }
  });

  test("an expired token is refused; a rotated secret revokes every token at the running manager", async () => {
    const expired = tokenFor(tdb(), "admin", Date.now() - 1000);
    assert.equal((await post(manager().url, JSON.stringify({ ...ALLOC, id: 1 }), expired)).status, 401);
    const live = tokenFor(tdb(), "admin");
    const before = await post(
      manager().url,
      JSON.stringify({ jsonrpc: "2.0", method: "Venus.ChainHead", params: [], id: 2 }),
      live,
    );
    assert.equal(before.status, 200);
    let out = "";
    const code = await main(["manager", "token", "rotate", "--home", tdb().home], {
      out: (t) => (out += t),
      err: (t) => (out += t),
    });
    assert.equal(code, 0, out);
    const afterRotate = await post(
      manager().url,
      JSON.stringify({ jsonrpc: "2.0", method: "Venus.ChainHead", params: [], id: 3 }),
      live,
    );
    assert.equal(afterRotate.status, 401);
    const fresh = tokenFor(tdb(), "read");
    assert.equal(
      (await fetch(`${manager().url}/metrics`, { headers: { authorization: `Bearer ${fresh}` } })).status,
      200,
    );
  });
});

/** Opens a socket from `localAddress` and resolves once it is connected (or closed by the server). */
function idleSocket(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1", localAddress });
    s.on("error", () => {});
    s.once("connect", () => resolve(s));
    s.once("close", () => resolve(s));
  });
}

describe("connection limits", () => {
  const sockets: net.Socket[] = [];
  // Registered first, so it runs before the manager under test closes.
  after(() => {
    for (const s of sockets) s.destroy();
  });
  const { tdb, manager } = managerUnderTest(
    "sqlite",
    tokensOnly(
      `[limits]\nmax_connections = 40\nmax_connections_per_ip = 8\nheader_timeout = "60s"\nidle_timeout = "60s"\n`,
    ),
  );

  test("hundreds of idle sockets without a token do not lock a new authorised client out", async () => {
    // 20 addresses × 20 sockets: over the per-address cap (8) and, together, over the total cap (40).
    for (let a = 2; a < 22; a++)
      for (let i = 0; i < 20; i++) sockets.push(await idleSocket(manager().port, `127.0.0.${a}`));
    assert.ok(manager().connections.open <= 40, `open: ${manager().connections.open}`);
    assert.ok(manager().connections.refusedPerIp >= 20 * 12, `refused: ${manager().connections.refusedPerIp}`);
    const client = createVenusClient({ url: manager().url, token: tokenFor(tdb(), "write") });
    try {
      const s = await client.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.equal(s?.ID.Number, 1);
    } finally {
      client.close();
    }
    assert.ok(manager().connections.evicted >= 1);
  });

  test("a client that never finishes its headers is cut off after limits.header_timeout", async () => {
    const quick = await startManagerUnderTest(
      "sqlite",
      tokensOnly(`[limits]\nheader_timeout = "300ms"\nbody_timeout = "300ms"\n`),
    );
    try {
      const s = net.connect({ port: quick.manager.port, host: "127.0.0.1" });
      s.on("error", () => {});
      await new Promise<void>((r) => s.once("connect", () => r()));
      s.write("POST /rpc/v0 HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      const started = Date.now();
      await new Promise<void>((r) => s.once("close", () => r()));
      assert.ok(Date.now() - started < 30_000);
      // And an authorised one that sends its headers, then stalls in the body: cut after limits.body_timeout.
      const b = net.connect({ port: quick.manager.port, host: "127.0.0.1" });
      b.on("error", () => {});
      let reply = "";
      b.setEncoding("utf8").on("data", (d: string) => (reply += d));
      await new Promise<void>((r) => b.once("connect", () => r()));
      const token = tokenFor(quick.tdb, "admin");
      b.write(`POST /rpc/v0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 100\r\n\r\n{`);
      await new Promise<void>((r) => b.once("close", () => r()));
      assert.equal(reply, "", "a cut request gets no reply");
    } finally {
      await quick.close();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: Allocated sectors nobody took are reclaimed`, () => {
    const { tdb, manager } = managerUnderTest(dialect, tokensOnly(`[sectors]\nreclaim_allocated_after = "1s"\n`));

    test("an allocation no worker reported on is aborted after the timeout, with a Reclaimed timeline entry", async () => {
      const client = createVenusClient({ url: manager().url, token: tokenFor(tdb(), "write") });
      try {
        const lost = await client.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
        const taken = await client.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
        assert.ok(lost && taken);
        await client.callVenus("ReportState", [
          taken.ID,
          {
            Worker: { Instance: "w1", Location: "/s0" },
            StateChange: { Prev: "Empty", Next: "Allocated", Event: "None" },
            Failure: null,
          },
        ]);
        // Past the timeout (a state that stays), then one pump cycle.
        await new Promise((r) => setTimeout(r, 1200));
        await manager().tick();
        const row = await findSector(manager().ctx.db, 1000, lost.ID.Number);
        assert.equal(row?.state, "Aborted");
        assert.match(row?.abort_reason ?? "", /reclaimed: allocated, but no worker reported on it within 1 s/);
        const timeline = await sectorTimeline(manager().ctx.db, 1000, lost.ID.Number);
        assert.deepEqual(
          timeline.map((t) => [t.instance, t.prev, t.next, t.event]),
          [["manager", "Allocated", "Aborted", "Reclaimed"]],
        );
        const kept = await findSector(manager().ctx.db, 1000, taken.ID.Number);
        assert.equal(kept?.state, "Allocated");
        assert.equal(kept?.aborted, 0);
        // The number is not reused.
        const next = await client.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
        assert.equal(next?.ID.Number, taken.ID.Number + 1);
      } finally {
        client.close();
      }
    });
  });
}
