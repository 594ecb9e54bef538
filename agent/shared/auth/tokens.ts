// API tokens: `sf1.<payload>.<signature>`, the payload base64url JSON {perm, iat, exp}, the signature HMAC-SHA256
// over "sf1.<payload>" with a secret file. Stateless: a token is good until its `exp` (seconds since the epoch), and
// replacing the secret file revokes every token signed with the old one (servers read it through SecretSource,
// which notices the new file on the next request). A token without `exp` is refused.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";

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

function writeSecret(file: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function readSecret(file: string): Buffer {
  const hex = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: expected 64 hex characters (an auth secret)`);
  return Buffer.from(hex, "hex");
}

/** Reads the secret, creating it (32 random bytes, hex, mode 0600, written atomically) on first use. */
export function loadOrCreateSecret(file: string): Buffer {
  if (!existsSync(file)) writeSecret(file);
  return readSecret(file);
}

/** Replaces the secret with a new random one (atomically): every token signed with the old one stops working. */
export function rotateSecret(file: string): Buffer {
  writeSecret(file);
  return readSecret(file);
}

/** The secret a server verifies with, re-read when the file is replaced (rotation revokes without a restart). A
 * file that became unreadable or malformed keeps the last good secret and says so once. */
export class SecretSource {
  private secret: Buffer;
  private stamp: string;
  private warned = false;

  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void = (m) => console.error(m),
  ) {
    this.secret = loadOrCreateSecret(file);
    this.stamp = this.fileStamp();
  }

  private fileStamp(): string {
    try {
      const s = statSync(this.file);
      return `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch {
      return "missing";
    }
  }

  current(): Buffer {
    const stamp = this.fileStamp();
    if (stamp !== this.stamp) {
      try {
        this.secret = readSecret(this.file);
        this.stamp = stamp;
        this.warned = false;
      } catch (error) {
        if (!this.warned)
          this.warn(`sealfarm: ${error instanceof Error ? error.message : error}; still using the previous secret`);
        this.warned = true;
      }
    }
    return this.secret;
  }

  verify(token: string): Permission | null {
    return verifyToken(this.current(), token);
  }
}
