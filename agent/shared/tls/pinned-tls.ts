// How a worker trusts the manager's TLS certificate: the certificate the provisioner generated is the only CA
// (`[sealfarm.tls] manager_ca_file`), and when `manager_fingerprint` is set the peer's SHA-256 fingerprint must be
// exactly that one (the host name is then not checked: the pin is stronger). Used by the Venus client and by
// uploads to the manager's piece store.
import { readFileSync } from "node:fs";
import tls, { type PeerCertificate } from "node:tls";

export interface TlsPin {
  /** PEM of the pinned certificate (trusted as the only CA). */
  caPem: string;
  /** "sha256:AB:CD:…" or undefined. */
  fingerprint: string | undefined;
}

export function loadTlsPin(caFile: string | undefined, fingerprint: string | undefined): TlsPin | undefined {
  if (caFile === undefined) return undefined;
  return { caPem: readFileSync(caFile, "utf8"), fingerprint };
}

/** Options for https.request / https.Agent that enforce the pin. */
export function pinnedTlsOptions(pin: TlsPin): Pick<tls.ConnectionOptions, "ca" | "checkServerIdentity"> {
  return {
    ca: pin.caPem,
    checkServerIdentity: (host: string, cert: PeerCertificate) => {
      if (pin.fingerprint === undefined) return tls.checkServerIdentity(host, cert);
      const got = `sha256:${cert.fingerprint256}`;
      if (got.toUpperCase() !== pin.fingerprint.toUpperCase())
        return new Error(`the manager's certificate is ${got}, not the pinned ${pin.fingerprint}`);
      return undefined;
    },
  };
}
