// A self-signed X.509 certificate (ECDSA P-256 with SHA-256, or Ed25519 derived from a secret) for the manager's TLS listener, built with node:crypto and a
// few lines of DER, so neither the provisioner nor `sealfarm manager tls init` needs openssl or a crate. Workers pin
// it: the certificate is their only CA for the manager (`[sealfarm.tls] manager_ca_file`), and its SHA-256
// fingerprint (`manager_fingerprint`) must match. Pure apart from the key generation and the random serial.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from "node:crypto";
import { isIP } from "node:net";

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function positiveInteger(bytes: Buffer): Buffer {
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function generalizedTime(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return tlv(0x18, Buffer.from(`${iso}Z`, "ascii"));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  const [head = "", tail = ""] = ip.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === "" ? [] : tail.split(":");
  const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return Buffer.concat(groups.map((g) => Buffer.from([parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
}

export interface SelfSignedCert {
  certPem: string;
  keyPem: string;
  /** `sha256:AB:CD:…`, what a worker's `manager_fingerprint` holds. */
  fingerprint: string;
}

/** The pin form of a certificate's SHA-256 fingerprint. */
export function certFingerprint(certPem: string): string {
  return `sha256:${new X509Certificate(certPem).fingerprint256}`;
}

export interface CertOptions {
  /** Validity in days from notBefore (default 3650). */
  days?: number;
  /** Default: an hour ago. */
  notBefore?: Date;
  /** Derive everything from this secret instead of randomness: an Ed25519 key from HMAC(secret), a fixed serial
   * and, with a fixed notBefore, the very same certificate on every run (the provisioner's case: the pin only
   * changes when the secret does). Without it: a random ECDSA P-256 key and serial. */
  deriveFrom?: Buffer;
}

function derivedEd25519(secret: Buffer): { publicKey: KeyObject; privateKey: KeyObject; serial: Buffer } {
  const seed = createHmac("sha256", secret).update("sealfarm manager tls key v1").digest();
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const privateKey = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  const serial = createHmac("sha256", secret).update("sealfarm manager tls serial v1").digest().subarray(0, 16);
  return { privateKey, publicKey: createPublicKey(privateKey), serial };
}

/** A certificate for `names` (DNS names or IP addresses; the first is the common name). */
export function generateSelfSignedCert(names: readonly string[], options: CertOptions = {}): SelfSignedCert {
  if (names.length === 0) throw new RangeError("a certificate needs at least one DNS name or IP address");
  const days = options.days ?? 3650;
  const derived = options.deriveFrom === undefined ? undefined : derivedEd25519(options.deriveFrom);
  const { publicKey, privateKey } = derived ?? generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  // ecdsa-with-SHA256, or Ed25519 (whose signatures are deterministic, so a derived certificate is stable).
  const sigAlg = derived === undefined ? seq(oid("1.2.840.10045.4.3.2")) : seq(oid("1.3.101.112"));
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(names[0] ?? "", "utf8")))));
  const notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const altNames = seq(...names.map((n) => (isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, "ascii")))));
  const extension = (id: string, critical: boolean, value: Buffer) =>
    seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
  const extensions = tlv(
    0xa3,
    seq(
      // basicConstraints CA:TRUE, so the certificate can be its own (and the only) trust anchor.
      extension("2.5.29.19", true, seq(tlv(0x01, Buffer.from([0xff])))),
      // keyUsage: digitalSignature, keyCertSign.
      extension("2.5.29.15", true, tlv(0x03, Buffer.from([0x02, 0x84]))),
      extension("2.5.29.17", false, altNames),
    ),
  );
  const serial = Buffer.from(derived?.serial ?? randomBytes(16));
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    positiveInteger(serial),
    sigAlg,
    name,
    seq(generalizedTime(notBefore), generalizedTime(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const signature = sign(derived === undefined ? "sha256" : null, tbs, privateKey);
  const der = seq(tbs, sigAlg, tlv(0x03, Buffer.from([0]), signature));
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n");
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const fingerprint = `sha256:${createHash("sha256")
    .update(der)
    .digest("hex")
    .toUpperCase()
    .replace(/(..)(?!$)/g, "$1:")}`;
  return { certPem, keyPem, fingerprint };
}
