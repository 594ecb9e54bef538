// TLS between worker and manager: `sealfarm manager tls init` makes the certificate, the manager serves the same
// routes on tls.listen, and a client that pins the certificate (the worker's [sealfarm.tls]) gets through, while one
// with another pin, or trusting only the system CAs, is refused before any request is sent. The plain listener
// stays for loopback and damocles peers.
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../../agent/cli/main.js";
import { loadOrCreateSecret } from "../../../agent/shared/auth/secret-file.js";
import { createVenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { putFile } from "../../../agent/worker/stages/upload-piece.js";
import { createToken } from "../../../components/core/auth/tokens.js";
import { certFingerprint, generateSelfSignedCert } from "../../../components/core/tls/self-signed-cert.js";
import { managerUnderTest, tokensRequiredToml } from "./manager-under-test.js";

let fingerprint = "";
let caPem = "";

const { tdb, manager } = managerUnderTest("sqlite", {
  client: false,
  managerToml: tokensRequiredToml('[tls]\nlisten = "127.0.0.1:0"\ncert_file = "tls.crt"\nkey_file = "tls.key"\n'),
  beforeStart: async (t) => {
    let out = "";
    const code = await main(["manager", "tls", "init", "--names", "127.0.0.1,localhost", "--home", t.home], {
      out: (o) => (out += `${o}\n`),
      err: (o) => (out += `${o}\n`),
    });
    assert.equal(code, 0, out);
    fingerprint = /(sha256:[0-9A-F:]+)/.exec(out)?.[1] ?? "";
    caPem = readFileSync(join(t.home, "tls.crt"), "utf8");
    assert.equal(certFingerprint(caPem), fingerprint);
    assert.equal(statSync(join(t.home, "tls.key")).mode & 0o777, 0o600);
  },
});

test("a worker that pins the manager's certificate talks to it over TLS", async () => {
  assert.match(manager().tlsUrl ?? "", /^https:\/\/127\.0\.0\.1:\d+$/);
  const token = createToken(loadOrCreateSecret(join(tdb().home, "auth.secret")), "write");
  const pinned = createVenusClient({ url: manager().tlsUrl ?? "", token, tls: { caPem, fingerprint } });
  const byCaOnly = createVenusClient({ url: manager().tlsUrl ?? "", token, tls: { caPem, fingerprint: undefined } });
  try {
    const s = await pinned.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
    assert.equal(s?.ID.Number, 1);
    assert.equal((await byCaOnly.callVenus("ChainHead", []))?.BlockDelayMs, 100);
  } finally {
    pinned.close();
    byCaOnly.close();
  }
  // The piece store over the same listener, with the same pin (unseal's store:/// uploads).
  const file = join(tdb().home, "not-a-piece.bin");
  writeFileSync(file, Buffer.alloc(10));
  await assert.rejects(
    putFile(
      file,
      `${manager().tlsUrl}/piecestore/baga6ea4seaqnotapiece`,
      { authorization: `Bearer ${token}` },
      {
        tls: { caPem, fingerprint },
      },
    ),
    /HTTP 400: .*expected a piece CID/,
  );
});

test("another certificate's pin, or the system CAs alone, are refused before a request is sent", async () => {
  const other = generateSelfSignedCert(["127.0.0.1"]);
  const wrongPin = createVenusClient({ url: manager().tlsUrl ?? "", tls: { caPem, fingerprint: other.fingerprint } });
  const wrongCa = createVenusClient({
    url: manager().tlsUrl ?? "",
    tls: { caPem: other.certPem, fingerprint: undefined },
  });
  const systemCas = createVenusClient({ url: manager().tlsUrl ?? "" });
  try {
    await assert.rejects(wrongPin.callVenus("ChainHead", []), /not the pinned sha256:/);
    await assert.rejects(wrongCa.callVenus("ChainHead", []), /self.signed|unable to verify|certificate/i);
    await assert.rejects(systemCas.callVenus("ChainHead", []), /self.signed|unable to verify|certificate/i);
  } finally {
    wrongPin.close();
    wrongCa.close();
    systemCas.close();
  }
  // The plain listener still answers (loopback, damocles peers).
  assert.equal((await fetch(`${manager().url}/healthcheck`)).status, 200);
});
