// Auth: with no trusted addresses every request needs a token; tokens carry read/write/admin. The CLI's
// `sealfarm manager token create` mints tokens the running manager accepts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../../agent/cli/main.js";
import { loadOrCreateSecret } from "../../../agent/shared/auth/secret-file.js";
import { RpcError } from "../../../agent/shared/rpc/json-rpc.js";
import { createVenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { createToken } from "../../../components/core/auth/tokens.js";
import { managerUnderTest, tokensRequiredToml } from "./manager-under-test.js";

const { tdb, manager } = managerUnderTest("sqlite", { client: false, managerToml: tokensRequiredToml() });

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

test("without a token an untrusted caller gets HTTP 401 and a JSON-RPC error", async () => {
  const res = await fetch(`${manager().url}/rpc/v0`, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", method: "Venus.ChainHead", params: [], id: 1 }),
  });
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { code: number; message: string } };
  assert.equal(body.error.code, 401);
  assert.match(body.error.message, /sealfarm manager token create/);
  const forged = createVenusClient({ url: manager().url, token: "sf1.e30.AAAA" });
  await assert.rejects(forged.callVenus("ChainHead", []), /unauthorized \(HTTP 401\)/);
  forged.close();
});

test("token create prints tokens whose permission the manager enforces", async () => {
  const read = await cli(["manager", "token", "create", "--perm", "read", "--home", tdb().home]);
  assert.equal(read.code, 0, read.err);
  const write = await cli(["manager", "token", "create", "--perm", "write", "--home", tdb().home]);
  const reader = createVenusClient({ url: manager().url, token: read.out.trim() });
  const writer = createVenusClient({ url: manager().url, token: write.out.trim() });
  try {
    assert.deepEqual(await reader.callVenus("ListSectors", [null]), []);
    await assert.rejects(
      reader.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]),
      (e: unknown) => {
        assert.ok(e instanceof RpcError);
        assert.equal(e.code, 401);
        assert.match(e.message, /needs the "write" permission, the token has "read"/);
        return true;
      },
    );
    const s = await writer.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
    assert.equal(s?.ID.Number, 1);
  } finally {
    reader.close();
    writer.close();
  }
  const bad = await cli(["manager", "token", "create", "--perm", "root", "--home", tdb().home]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--perm: expected one of "read", "write", "admin", got "root"/);
});

function createTokenFor(perm: "read" | "write" | "admin"): string {
  return createToken(loadOrCreateSecret(join(tdb().home, "auth.secret")), perm);
}

test("CLI commands reach the manager with --url and --token", async () => {
  const head = await cli(["chain", "head", "--url", manager().url, "--token", createTokenFor("read"), "--json"]);
  assert.equal(head.code, 0, head.err);
  assert.equal((JSON.parse(head.out) as { BlockDelayMs: number }).BlockDelayMs, 100);
  const admin = (await cli(["manager", "token", "create", "--perm", "admin", "--home", tdb().home])).out.trim();
  const list = await cli(["sectors", "list", "--url", manager().url, "--token", admin]);
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /s-t01000-1 +Allocated/);
  const show = await cli(["sectors", "show", "1000", "1", "--url", manager().url, "--token", admin]);
  assert.match(show.out, /sector +s-t01000-1/);
  assert.match(show.out, /\(no reports yet\)/);
  const missing = await cli(["sectors", "show", "1000", "77", "--url", manager().url, "--token", admin]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /sector state not found: s-t01000-77/);
  const workers = await cli(["workers", "list", "--url", manager().url, "--token", admin]);
  assert.match(workers.out, /no workers have pinged/);
});
