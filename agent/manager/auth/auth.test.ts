import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { allows, createToken, loadOrCreateSecret, verifyToken } from "./tokens.js";
import { isTrusted, trustedList } from "./trusted-addresses.js";

test("tokens carry their permission and only verify with their secret", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealfarm-auth-"));
  try {
    const file = join(dir, "auth.secret");
    const secret = loadOrCreateSecret(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateSecret(file), secret);
    const t = createToken(secret, "write");
    assert.equal(verifyToken(secret, t), "write");
    assert.equal(verifyToken(Buffer.alloc(32, 1), t), null);
    assert.equal(verifyToken(secret, `${t}x`), null);
    assert.equal(verifyToken(secret, "garbage"), null);
    // Tampering with the payload (upgrading the permission) breaks the signature.
    const [, , sig] = t.split(".");
    const forged = `sf1.${Buffer.from('{"perm":"admin","iat":1}').toString("base64url")}.${sig}`;
    assert.equal(verifyToken(secret, forged), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("permissions are ordered read < write < admin", () => {
  assert.equal(allows("admin", "write"), true);
  assert.equal(allows("write", "write"), true);
  assert.equal(allows("read", "write"), false);
});

test("trusted addresses match CIDRs, including IPv4-mapped IPv6", () => {
  const l = trustedList(["127.0.0.1/32", "::1/128", "10.1.0.0/16"]);
  assert.equal(isTrusted(l, "127.0.0.1"), true);
  assert.equal(isTrusted(l, "::ffff:127.0.0.1"), true);
  assert.equal(isTrusted(l, "::1"), true);
  assert.equal(isTrusted(l, "10.1.200.3"), true);
  assert.equal(isTrusted(l, "10.2.0.1"), false);
  assert.equal(isTrusted(l, undefined), false);
  assert.equal(isTrusted(trustedList([]), "127.0.0.1"), false);
});
