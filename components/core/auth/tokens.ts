// API tokens: `sf1.<payload>.<signature>`, the payload base64url JSON {perm, iat, exp}, the signature HMAC-SHA256
// over "sf1.<payload>" with a secret. Stateless: a token is good until its `exp` (seconds since the epoch), and
// replacing the secret revokes every token signed with the old one. A token without `exp` is refused. Pure: the
// manager and worker keep the secret in a file (agent/shared/auth/secret-file.ts); the provisioner mints tokens
// from the farm's derived secret.
import { createHmac, timingSafeEqual } from "node:crypto";

export type Permission = "read" | "write" | "admin";

const RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

/** Default lifetime of `sealfarm … token create`: 90 days. */
export const DEFAULT_TOKEN_TTL_MS = 90 * 24 * 3600 * 1000;

export function allows(held: Permission, needed: Permission): boolean {
  return RANK[held] >= RANK[needed];
}

function sign(secret: Buffer, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

export interface TokenTimes {
  /** Issue time, ms since the epoch (default: now). */
  nowMs?: number;
  /** Expiry, ms since the epoch (default: issue time + DEFAULT_TOKEN_TTL_MS). */
  expiresAtMs?: number;
}

export function createToken(secret: Buffer, perm: Permission, times: TokenTimes = {}): string {
  const nowMs = times.nowMs ?? Date.now();
  const expMs = times.expiresAtMs ?? nowMs + DEFAULT_TOKEN_TTL_MS;
  const payload = Buffer.from(
    JSON.stringify({ perm, iat: Math.floor(nowMs / 1000), exp: Math.floor(expMs / 1000) }),
  ).toString("base64url");
  const body = `sf1.${payload}`;
  return `${body}.${sign(secret, body)}`;
}

/** The token's permission, or null if it is malformed, not signed with this secret, expired or has no expiry. */
export function verifyToken(secret: Buffer, token: string, nowMs = Date.now()): Permission | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "sf1") return null;
  const body = `${parts[0]}.${parts[1]}`;
  const want = Buffer.from(sign(secret, body));
  const got = Buffer.from(parts[2] ?? "");
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const p = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as {
      perm?: unknown;
      exp?: unknown;
    };
    if (typeof p.exp !== "number" || !Number.isFinite(p.exp) || p.exp * 1000 <= nowMs) return null;
    return p.perm === "read" || p.perm === "write" || p.perm === "admin" ? p.perm : null;
  } catch {
    return null;
  }
}
