// API tokens: `sf1.<payload>.<signature>`, the payload base64url JSON {perm, iat}, the signature HMAC-SHA256 over
// "sf1.<payload>" with the secret in the home directory. Stateless; rotate the secret to revoke every token.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Permission } from "../rpc/method-table.js";

const RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

export function allows(held: Permission, needed: Permission): boolean {
  return RANK[held] >= RANK[needed];
}

function sign(secret: Buffer, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

export function createToken(secret: Buffer, perm: Permission, nowMs = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ perm, iat: Math.floor(nowMs / 1000) })).toString("base64url");
  const body = `sf1.${payload}`;
  return `${body}.${sign(secret, body)}`;
}

/** The token's permission, or null if it is malformed or not signed with this secret. */
export function verifyToken(secret: Buffer, token: string): Permission | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "sf1") return null;
  const body = `${parts[0]}.${parts[1]}`;
  const want = Buffer.from(sign(secret, body));
  const got = Buffer.from(parts[2] ?? "");
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const p = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as { perm?: unknown };
    return p.perm === "read" || p.perm === "write" || p.perm === "admin" ? p.perm : null;
  } catch {
    return null;
  }
}

/** Reads the secret, creating it (32 random bytes, hex, mode 0600, written atomically) on first use. */
export function loadOrCreateSecret(file: string): Buffer {
  if (!existsSync(file)) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  }
  const hex = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: expected 64 hex characters (an auth secret)`);
  return Buffer.from(hex, "hex");
}
