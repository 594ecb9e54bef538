// The auth secret file: 32 random bytes in hex, mode 0600, written atomically. Replacing the file revokes every
// token signed with the old secret: servers read it through SecretSource, which notices the new file on the next
// request, so rotation needs no restart.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { type Permission, verifyToken } from "../../../components/core/auth/tokens.js";

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
