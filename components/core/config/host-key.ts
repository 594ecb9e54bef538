// Pinned SSH host keys as written in known_hosts / *.pub files: "<type> <base64 blob> [comment]".
import { createHash } from "node:crypto";

export interface HostKey {
  readonly type: string;
  /** The raw SSH wire-format public key blob. */
  readonly blob: Buffer;
}

/**
 * Parses a public key line. Returns a reason instead when the text only looks like a key: the blob must decode and
 * start with the same key type string as the line (what sshd and ssh2 check), so a truncated paste is caught here.
 */
export function parseHostKey(text: string): HostKey | { readonly error: string } {
  const [type, b64] = text.trim().split(/\s+/);
  if (type === undefined || b64 === undefined) return { error: "a key type and a base64 key" };
  const blob = Buffer.from(b64, "base64");
  if (blob.toString("base64") !== b64) return { error: "valid base64 (the key looks truncated or mistyped)" };
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const inner = len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString("latin1") : undefined;
  if (inner !== type)
    return { error: `a key blob that starts with its type "${type}" (the key looks truncated or mistyped)` };
  if (type === "ssh-ed25519" && blob.length !== 4 + 11 + 4 + 32) return { error: "a 32-byte ed25519 key" };
  return { type, blob };
}

/** OpenSSH's fingerprint, as `ssh-keygen -lf` prints it: "SHA256:" + unpadded base64 of the blob's SHA-256. */
export function hostKeyFingerprint(key: HostKey): string {
  return `SHA256:${createHash("sha256").update(key.blob).digest("base64").replace(/=+$/, "")}`;
}
