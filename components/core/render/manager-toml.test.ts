import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseManagerToml } from "../../../agent/manager/config/load-manager-config.js";
import { resolveManagerConfig } from "../../../agent/manager/config/manager-config.js";
import { loadFarmStackFile } from "../config/load-stack-file.js";
import { certFingerprint } from "../tls/self-signed-cert.js";
import { farmManagerTls, managerTlsPort, managerTlsUrl } from "./manager-tls.js";
import { renderManagerToml } from "./manager-toml.js";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/render/manager/", import.meta.url));
const classNames = ["dev", "epyc-2gpu", "manager-small", "post-1gpu"];

describe("manager.toml for a farm", () => {
  for (const stack of ["example", "dev"]) {
    it(`${stack}: passes the manager's own schema and resolution, and matches its golden file`, () => {
      const farm = loadFarmStackFile(`stacks/Pulumi.${stack}.yaml`, { classNames });
      const text = renderManagerToml(farm);
      assert.match(text, /^# Managed by sealfarm \(Pulumi\)/);
      const toml = parseManagerToml(`manager-${stack}.toml`, text);
      const resolved = resolveManagerConfig("/var/lib/sealfarm/manager", toml, `manager-${stack}.toml`);
      assert.equal(resolved.port, farm.manager.rpcPort);
      assert.equal(resolved.host, "0.0.0.0");
      assert.equal(resolved.dbUrl, farm.manager.database.url);
      assert.deepEqual(
        resolved.miners.map((m) => m.actor),
        farm.miners,
      );
      assert.deepEqual(
        resolved.persistStores.map((s) => [s.name, s.path]),
        farm.persistStores.map((s) => [s.name, s.path]),
      );
      assert.equal(resolved.proofsBin, "/opt/sealfarm/current/bin/sealfarm-proofs");
      const golden = `${fixtures}${stack}.toml`;
      if (process.env.UPDATE_GOLDEN === "1") {
        mkdirSync(fixtures, { recursive: true });
        writeFileSync(golden, text);
      } else {
        assert.ok(existsSync(golden), `${golden} missing: UPDATE_GOLDEN=1`);
        assert.equal(text, readFileSync(golden, "utf8"));
      }
    });
  }
});

describe("the farm's deals setting in manager.toml", () => {
  for (const deals of [false, true]) {
    it(`deals: ${deals} sets enable_deals = ${deals} for every miner, and the manager resolves it so`, () => {
      const farm = loadFarmStackFile("stacks/Pulumi.example.yaml", { classNames });
      const twoMiners = { ...farm, miners: [1000, 1001], deals };
      const text = renderManagerToml(twoMiners);
      const toml = parseManagerToml("m.toml", text);
      assert.deepEqual(
        toml.miners.map((m) => [m.actor, m.enable_deals]),
        [
          [1000, deals],
          [1001, deals],
        ],
      );
      const resolved = resolveManagerConfig("/var/lib/sealfarm/manager", toml, "m.toml");
      assert.deepEqual(
        resolved.miners.map((m) => m.enableDeals),
        [deals, deals],
      );
    });
  }

  it("a farm without the key seals CC only: every miner gets enable_deals = false", () => {
    const farm = loadFarmStackFile("stacks/Pulumi.dev.yaml", { classNames });
    assert.equal(farm.deals, false);
    assert.deepEqual(
      parseManagerToml("m.toml", renderManagerToml(farm)).miners.map((m) => m.enable_deals),
      farm.miners.map(() => false),
    );
  });
});

describe("the farm's manager TLS (issue 15)", () => {
  it("is derived from the auth secret: the same certificate every run, another one after a rotation", () => {
    const farm = loadFarmStackFile("stacks/Pulumi.example.yaml", { classNames });
    const secret = "ab".repeat(32);
    const a = farmManagerTls(farm, secret);
    assert.equal(farmManagerTls(farm, `${secret}\n`).certPem, a.certPem);
    assert.notEqual(farmManagerTls(farm, "cd".repeat(32)).fingerprint, a.fingerprint);
    const x509 = new X509Certificate(a.certPem);
    assert.equal(x509.verify(x509.publicKey), true);
    assert.ok(x509.checkIP(farm.manager.address) ?? x509.checkHost(farm.manager.address));
    assert.equal(certFingerprint(a.certPem), a.fingerprint);
  });

  it("turns on tls.listen in manager.toml and pins the certificate in the worker's [sealfarm.tls]", () => {
    const farm = loadFarmStackFile("stacks/Pulumi.example.yaml", { classNames });
    const text = renderManagerToml(farm, { tlsPort: managerTlsPort(farm) });
    const resolved = resolveManagerConfig("/var/lib/sealfarm/manager", parseManagerToml("m.toml", text), "m.toml");
    assert.deepEqual(resolved.tls, {
      host: "0.0.0.0",
      port: farm.manager.rpcPort + 1,
      certFile: "/var/lib/sealfarm/manager/tls.crt",
      keyFile: "/var/lib/sealfarm/manager/tls.key",
    });
    assert.match(managerTlsUrl(farm), /^https:\/\//);
  });
});
