// The SSH transport the four dynamic providers share (remote-file.ts, release.ts, systemd-service.ts and the
// one-shot remote-script.ts; what else they share is in dynamic-provider.ts): connect with a pinned host key and retries, run a shell command, close.
//
// Serialization: each provider object is serialized into every resource's state (`__provider`) and run later by
// the engine's dynamic-provider process, which is plain node without our TypeScript loader. The serializer copies
// these functions by value into each provider's text (they are module functions, not packages), and emits
// `require("ssh2")`/`require("crypto")` for what they capture: so this file may import only Node built-ins (default
// imports) and real packages, never another .ts file, and must capture no config, Output or secret.
// provider-serialization.test.ts runs the serialized text in a plain node process.
import crypto from "node:crypto";
import ssh2 from "ssh2";

/** Where and how to reach a host. `privateKey` is secret: the resource classes wrap the whole connection. */
export interface SshConnection {
  host: string;
  port?: number;
  user?: string;
  /** The pinned host key: an OpenSSH public key line ("ssh-ed25519 AAAA...") or a "SHA256:..." fingerprint. */
  hostKey: string;
  /** OpenSSH or PEM private key text. */
  privateKey: string;
  /** Connection attempts before giving up (default 5), doubling the wait from retryBaseMs (default 250). */
  connectAttempts?: number;
  retryBaseMs?: number;
  /** Handshake timeout per attempt (default 15000). */
  timeoutMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function sshName(c: SshConnection): string {
  return `${c.user ?? "root"}@${c.host}:${c.port ?? 22}`;
}

function keyFingerprint(blob: Buffer): string {
  return `SHA256:${crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

function pinnedFingerprint(pin: string): string {
  const p = pin.trim();
  if (p.startsWith("SHA256:")) return p.replace(/=+$/, "");
  return keyFingerprint(Buffer.from(p.split(/\s+/)[1] ?? "", "base64"));
}

function keyType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString("latin1");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function connectOnce(c: SshConnection): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let refusal: Error | undefined;
    client.on("ready", () => resolve(client));
    client.on("error", (err: Error) => {
      client.end();
      reject(refusal ?? err);
    });
    client.connect({
      host: c.host,
      port: c.port ?? 22,
      username: c.user ?? "root",
      privateKey: c.privateKey,
      readyTimeout: c.timeoutMs ?? 15000,
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        const seen = keyFingerprint(key);
        const pinned = c.hostKey ? pinnedFingerprint(c.hostKey) : "";
        if (pinned === seen) return true;
        const msg = pinned
          ? `host key mismatch: pinned ${pinned}, host presented ${seen} (${keyType(key)}); refusing to connect. If the host was reinstalled, check the new key out of band and update its pinned hostKey`
          : `host key unknown: no key is pinned, host presented ${seen} (${keyType(key)}); refusing to connect. Check it out of band and pin it as the host's hostKey`;
        refusal = Object.assign(new Error(msg), { permanent: true });
        return false;
      },
    });
  });
}

/** Connects with retries and exponential backoff; host-key and authentication refusals are not retried. */
export async function connect(c: SshConnection): Promise<ssh2.Client> {
  const attempts = Math.max(1, c.connectAttempts ?? 5);
  const base = c.retryBaseMs ?? 250;
  const started = Date.now();
  let last: Error = new Error("no attempt made");
  for (let i = 0; i < attempts; i++) {
    try {
      return await connectOnce(c);
    } catch (err) {
      last = err as Error;
      const permanent =
        (last as { permanent?: boolean }).permanent === true || /authentication methods failed/.test(last.message);
      if (permanent) throw new Error(`ssh ${sshName(c)}: ${last.message}`);
      if (i + 1 < attempts) await sleep(Math.min(base * 2 ** i, 10000));
    }
  }
  throw new Error(
    `ssh ${sshName(c)}: could not connect after ${attempts} attempts in ${Date.now() - started} ms: ${last.message}`,
  );
}

/** Runs a shell command; `stdin` (a Buffer or a file path to stream) is sent and closed. */
export function exec(client: ssh2.Client, c: SshConnection, command: string, stdin?: Buffer): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(new Error(`ssh ${sshName(c)}: exec failed: ${err.message}`));
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let code: number | null = null;
      stream.on("data", (d: Buffer) => out.push(d));
      stream.stderr.on("data", (d: Buffer) => errOut.push(d));
      stream.on("exit", (status: number | null) => {
        code = status;
      });
      stream.on("close", () => {
        if (code === null) return reject(new Error(`ssh ${sshName(c)}: connection lost while running a command`));
        resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errOut).toString("utf8") });
      });
      if (stdin) stream.end(stdin);
      else stream.end();
    });
  });
}

/** Runs a command and fails, naming the host, what it was doing and the host's stderr, unless it exits 0. */
export async function execChecked(
  client: ssh2.Client,
  c: SshConnection,
  what: string,
  command: string,
  stdin?: Buffer,
): Promise<ExecResult> {
  const res = await exec(client, c, command, stdin);
  if (res.code !== 0) throw new Error(`ssh ${sshName(c)}: ${what} failed (exit ${res.code}): ${res.stderr.trim()}`);
  return res;
}

export async function withSsh<T>(c: SshConnection, fn: (client: ssh2.Client) => Promise<T>): Promise<T> {
  const client = await connect(c);
  // A dropped connection surfaces through the pending exec; keep the emitter from throwing meanwhile.
  client.on("error", () => {});
  try {
    return await fn(client);
  } finally {
    client.end();
  }
}
