import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { configErrorLines } from "../../../test/support/config-error-lines.js";
import { hostKeyFingerprint, parseHostKey } from "./host-key.js";
import { parseYaml } from "./load-class.js";
import { loadFarmConfig } from "./load-farm.js";
import { loadFarmStackFile } from "./load-stack-file.js";

const classNames = ["dev", "epyc-2gpu", "manager-small", "post-1gpu"];

describe("farm config", () => {
  it("loads the ten-host example: manager, 7 sealers, 2 PoSt hosts, with defaults filled", () => {
    const farm = loadFarmStackFile("stacks/Pulumi.example.yaml", { classNames });
    assert.equal(farm.hosts.length + 1, 10);
    assert.equal(farm.hosts.filter((h) => h.role === "sealer").length, 7);
    assert.equal(farm.hosts.filter((h) => h.role === "post").length, 2);
    assert.equal(farm.manager.rpcPort, 1789);
    assert.deepEqual(farm.hosts[0]?.ssh.port, 22);
    assert.deepEqual(farm.hosts[6]?.ssh, { user: "sealops", port: 2222, hostKey: farm.hosts[6]?.ssh.hostKey });
    for (const h of [farm.manager, ...farm.hosts]) {
      assert.match(h.address, /^(192\.0\.2|198\.51\.100)\./, "documentation ranges only");
      assert.ok(!("error" in parseHostKey(h.ssh.hostKey)), h.name);
    }
  });

  it("loads the dev stack (manager and sealer on one box)", () => {
    const farm = loadFarmStackFile("stacks/Pulumi.dev.yaml", { classNames });
    assert.equal(farm.sectorSize, "2KiB");
    assert.equal(farm.manager.address, farm.hosts[0]?.address);
  });

  it("reports a misspelled class, a duplicated host and a truncated host key together", () => {
    const f = "test/fixtures/config/farm-mistakes.yaml";
    const lines = configErrorLines(() => loadFarmStackFile(f, { classNames }));
    assert.deepEqual(lines, [
      `${f}: sealfarm:farm/hosts/0/class: expected one of "dev", "epyc-2gpu", "manager-small", "post-1gpu", got "epyc2gpu"`,
      `${f}: sealfarm:farm/hosts/1/name: expected a host name not used by sealfarm:farm/hosts/0, got "sealer-01"`,
      `${f}: sealfarm:farm/hosts/1/address: expected an address (with its ssh port 22) not used by sealfarm:farm/hosts/0, got "192.0.2.21"`,
      `${f}: sealfarm:farm/hosts/1/ssh/hostKey: expected a 32-byte ed25519 key, got "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBQ8sjLryC2VZjM5HQ4HZu6v"`,
    ]);
  });

  it("reports schema mistakes with the config key path: bad enum, string port, bad URL, empty list, unknown role", () => {
    const f = "test/fixtures/config/farm-schema-mistakes.yaml";
    assert.deepEqual(
      configErrorLines(() => loadFarmStackFile(f, { classNames })),
      [
        `${f}: sealfarm:farm/sectorSize: expected one of "2KiB", "8MiB", "512MiB", "32GiB", "64GiB", got "32G" (a string)`,
        `${f}: sealfarm:farm/manager/ssh/port: expected an integer, got "22" (a string)`,
        `${f}: sealfarm:farm/manager/database/url: expected a database URL like "sqlite:///var/lib/sealfarm/manager.db" or "postgres://sealfarm@db/sealfarm", got "mysql://db" (a string)`,
        `${f}: sealfarm:farm/persistStores: expected at least 1 item(s), got []`,
        `${f}: sealfarm:farm/hosts/0/role: expected one of "sealer", "post", got "worker" (a string)`,
      ],
    );
  });

  it("refuses a key whose blob does not carry its own type, and a second store with the same path", () => {
    const raw = parseYaml(readFileSync("stacks/Pulumi.dev.yaml", "utf8"), "x") as { config: Record<string, unknown> };
    const farm = structuredClone(raw.config["sealfarm:farm"]) as {
      hosts: Array<{ ssh: { hostKey: string } }>;
      persistStores: Array<{ name: string; path: string }>;
    };
    (farm.hosts[0] as { ssh: { hostKey: string } }).ssh.hostKey =
      `ecdsa-sha2-nistp256 ${farm.hosts[0]?.ssh.hostKey.split(" ")[1]}`;
    farm.persistStores.push({ name: "persist-2", path: "/var/lib/sealfarm/persist-1" });
    assert.deepEqual(
      configErrorLines(() => loadFarmConfig(farm, "Pulumi.dev.yaml", { classNames })),
      [
        'Pulumi.dev.yaml: sealfarm:farm/hosts/0/ssh/hostKey: expected a key blob that starts with its type "ecdsa-sha2-nistp256" (the key looks truncated or mistyped), got "ecdsa-sha2-nistp256 AAAAC3NzaC1lZDI1NTE5AAAAIAG7abNW63a3KWiue0ju0zZETpDXxbQCXSuniA5rTk9N"',
        'Pulumi.dev.yaml: sealfarm:farm/persistStores/1/path: expected a path not used by sealfarm:farm/persistStores/0, got "/var/lib/sealfarm/persist-1"',
      ],
    );
  });

  it("says where the farm object is missing", () => {
    assert.deepEqual(
      configErrorLines(() => loadFarmStackFile("stacks/classes/dev.yaml")),
      [
        "stacks/classes/dev.yaml: config/sealfarm:farm: expected the farm object under config: sealfarm:farm:, got nothing",
      ],
    );
  });

  it("deals: a boolean, default false (CC only); anything else is refused naming the file and the key", () => {
    const f = "stacks/Pulumi.dev.yaml";
    const text = readFileSync(f, "utf8");
    // The key goes right under sealfarm:farm, as an operator would write it.
    const withDeals = (value: string) => {
      const edited = text.replace(/^( {2}sealfarm:farm:\n)( +)/m, `$1$2deals: ${value}\n$2`);
      assert.notEqual(edited, text);
      const raw = parseYaml(edited, f) as { config: Record<string, unknown> };
      return loadFarmConfig(raw.config["sealfarm:farm"], f, { classNames });
    };
    assert.equal(loadFarmStackFile(f, { classNames }).deals, false);
    assert.equal(withDeals("true").deals, true);
    assert.equal(withDeals("false").deals, false);
    const expected = "expected true (the farm seals imported deals) or false (CC sectors only)";
    assert.deepEqual(
      configErrorLines(() => withDeals("yes")),
      [`${f}: sealfarm:farm/deals: ${expected}, got "yes" (a string)`],
    );
    assert.deepEqual(
      configErrorLines(() => withDeals("1")),
      [`${f}: sealfarm:farm/deals: ${expected}, got 1 (a number)`],
    );
  });

  it("computes the OpenSSH fingerprint of a pinned key", () => {
    const key = parseHostKey(
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAG7abNW63a3KWiue0ju0zZETpDXxbQCXSuniA5rTk9N root@dev",
    );
    assert.ok(!("error" in key));
    // `ssh-keygen -lf` on the same public key printed this fingerprint.
    assert.equal(hostKeyFingerprint(key), "SHA256:C3gZ+L0EikfAMoCeWL0md+YrhsqrhhPUTv/P4VoQTC0");
  });

  it("issue 15: a persist path /../../etc, a non-finite number and an alias bomb are refused naming the file", () => {
    const f = "stacks/Pulumi.example.yaml";
    const farmOf = () =>
      structuredClone(
        (parseYaml(readFileSync(f, "utf8"), f) as { config: Record<string, Record<string, unknown>> }).config[
          "sealfarm:farm"
        ],
      ) as { persistStores: { path: string }[]; manager: { rpcPort: number } };
    const farm = farmOf();
    (farm.persistStores[0] as { path: string }).path = "/../../etc";
    assert.deepEqual(
      configErrorLines(() => loadFarmConfig(farm, f, { classNames })),
      [
        `${f}: sealfarm:farm/persistStores/0/path: expected an absolute path without ".." mounted on every host, like "/mnt/persist-1", got "/../../etc" (a string)`,
      ],
    );
    const inf = farmOf();
    inf.manager.rpcPort = Number.POSITIVE_INFINITY;
    assert.deepEqual(
      configErrorLines(() => loadFarmConfig(inf, f, { classNames })),
      [`${f}: sealfarm:farm/manager/rpcPort: expected a finite number, got Infinity`],
    );
    const bomb =
      "config:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    assert.deepEqual(
      configErrorLines(() => parseYaml(bomb, "Pulumi.bomb.yaml")),
      [
        "Pulumi.bomb.yaml: expected YAML without excessive aliases, got Excessive alias count indicates a resource exhaustion attack",
      ],
    );
  });
});
