// Host keys for tests that declare SSH hosts without connecting to them.
import { randomBytes } from "node:crypto";

/** A well-formed, random ssh-ed25519 public host key line ("ssh-ed25519 AAAA…"). */
export function randomHostKey(): string {
  const type = Buffer.from("ssh-ed25519");
  const blob = Buffer.alloc(4 + type.length + 4 + 32);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(32, 4 + type.length);
  randomBytes(32).copy(blob, 8 + type.length);
  return `ssh-ed25519 ${blob.toString("base64")}`;
}
