import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { allows, createToken, verifyToken } from "../../../components/core/auth/tokens.js";
import { loadOrCreateSecret, rotateSecret, SecretSource } from "./secret-file.js";
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
    const forged = `sf1.${Buffer.from('{"perm":"admin","iat":1,"exp":99999999999}').toString("base64url")}.${sig}`;
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

test("tokens expire, and a token without an expiry is refused", () => {
  const secret = Buffer.alloc(32, 9);
  const t = createToken(secret, "read", { nowMs: 1_000_000, expiresAtMs: 2_000_000 });
  assert.equal(verifyToken(secret, t, 1_999_000), "read");
  assert.equal(verifyToken(secret, t, 2_000_000), null);
  // A pre-expiry token (what sealfarm issued before tokens carried `exp`), correctly signed: refused.
  const body = `sf1.${Buffer.from('{"perm":"admin","iat":1}').toString("base64url")}`;
  const legacy = `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
  assert.equal(verifyToken(secret, legacy), null);
  // Default lifetime: 90 days.
  const d = createToken(secret, "write", { nowMs: 0 });
  assert.equal(verifyToken(secret, d, 89 * 86_400_000), "write");
  assert.equal(verifyToken(secret, d, 90 * 86_400_000), null);
});

test("a rotated secret file revokes every token at the next check, without a restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealfarm-auth-"));
  try {
    const file = join(dir, "auth.secret");
    const source = new SecretSource(file, () => {});
    const old = createToken(loadOrCreateSecret(file), "admin");
    assert.equal(source.verify(old), "admin");
    const fresh = createToken(rotateSecret(file), "admin");
    assert.equal(source.verify(old), null);
    assert.equal(source.verify(fresh), "admin");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
