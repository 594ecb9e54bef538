// The Pulumi program itself (index.ts) under pulumi.runtime.setMocks, with stack config set the way
// `pulumi config set` would: the farm object under sealfarm:farm and the secrets as secret keys. Its release is the
// real one built from this repository (it needs native/target/release/sealfarm-proofs: `npm run build:native`).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { randomHostKey } from "../../support/ssh-host-key.js";

// A query string gives each test its own instance of the program module (the program runs at import).
const programUrl = (instance: string) => `${new URL("../../../index.ts", import.meta.url).href}?${instance}`;

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const farm = (sealerClass: string) => ({
  sectorSize: "2KiB",
  miners: [1000],
  manager: {
    name: "mgr",
    address: "10.2.0.10",
    class: "manager-small",
    database: { url: "sqlite:///var/lib/sealfarm/manager/manager.db" },
    ssh: { hostKey: randomHostKey() },
  },
  persistStores: [{ name: "persist-1", path: "/var/lib/sealfarm/persist-1" }],
  hosts: [
    { name: "s1", address: "10.2.0.21", class: sealerClass, role: "sealer", ssh: { hostKey: randomHostKey() } },
    { name: "s2", address: "10.2.0.22", class: "dev", role: "sealer", ssh: { hostKey: randomHostKey() } },
  ],
});

describe("the Pulumi program (mocked engine)", () => {
  const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  const secretKeys = ["sealfarm:sshPrivateKey", "sealfarm:managerAuthSecret"];

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "sealfarm",
      "test",
      false,
    );
  });
  after(() => pulumi.runtime.setAllConfig({}, []));

  test("a stack with a class typo fails before creating anything, naming the file, key path and choices (mocked engine)", async () => {
    pulumi.runtime.setAllConfig(
      {
        "sealfarm:farm": JSON.stringify(farm("epyc2gpu")),
        "sealfarm:sshPrivateKey": "k",
        "sealfarm:managerAuthSecret": "ab".repeat(32),
      },
      secretKeys,
    );
    await assert.rejects(import(programUrl("typo")), (err: Error) => {
      assert.match(
        err.message,
        /stacks\/Pulumi\.test\.yaml: sealfarm:farm\/hosts\/0\/class: expected one of .*"epyc-2gpu".*got "epyc2gpu"/,
      );
      return true;
    });
    assert.equal(registered.length, 0);
  });

  test("the shipped ten-host example stack declares one manager and nine workers (mocked engine)", async () => {
    const file = new URL("../../../stacks/Pulumi.example.yaml", import.meta.url);
    const doc = parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    pulumi.runtime.setAllConfig(
      {
        "sealfarm:farm": JSON.stringify(doc.config["sealfarm:farm"]),
        "sealfarm:sshPrivateKey": "k",
        "sealfarm:managerAuthSecret": "ef".repeat(32),
      },
      secretKeys,
    );
    const start = registered.length;
    const program = (await import(programUrl("example"))) as {
      hosts: Record<string, { role: string; threads?: number }>;
      services: Record<string, pulumi.Output<string>>;
    };
    await Promise.all(Object.values(program.services).map((o) => new Promise((r) => o.apply(r))));
    const mine = registered.slice(start);
    assert.equal(Object.keys(program.hosts).length, 10);
    assert.equal(mine.filter((r) => r.type === "sealfarm:index:WorkerHost").length, 9);
    assert.equal(mine.filter((r) => r.type === "sealfarm:index:ManagerHost").length, 1);
    // The farm; the manager with its 5 children and its TLS certificate and key; 9 workers with 4 children and a pin.
    assert.equal(mine.length, 1 + (1 + 5 + 2) + 9 * (1 + 4 + 1));
    assert.equal(program.hosts["sealer-01"]?.threads, 13); // memory-bound: 64 GiB per PC1 (stage-costs.ts)
    assert.equal(program.hosts["post-01"]?.role, "post");
  });

  test("a valid stack declares the farm and exports the hosts' capacity (mocked engine)", async () => {
    pulumi.runtime.setAllConfig(
      {
        "sealfarm:farm": JSON.stringify(farm("dev")),
        "sealfarm:sshPrivateKey":
          "-----BEGIN OPENSSH PRIVATE KEY-----\nprogram-test-key\n-----END OPENSSH PRIVATE KEY-----\n",
        "sealfarm:managerAuthSecret": "ab".repeat(32),
      },
      secretKeys,
    );
    const start = registered.length;
    const program = (await import(programUrl("valid"))) as {
      releaseHash: string;
      hosts: Record<string, { role: string; threads?: number }>;
      services: Record<string, pulumi.Output<string>>;
    };
    await Promise.all(Object.values(program.services).map((o) => new Promise((r) => o.apply(r))));
    assert.match(program.releaseHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(program.hosts).sort(), ["mgr", "s1", "s2"]);
    assert.equal(program.hosts.s1?.threads, 1);
    const mine = registered.slice(start);
    const services = mine.filter((r) => r.type === "pulumi-nodejs:dynamic/sealfarm:SystemdService");
    assert.deepEqual(services.map((r) => r.name).sort(), [
      "mgr-manager-service",
      "s1-worker-service",
      "s2-worker-service",
    ]);
    const release = mine.find((r) => r.name === "s1-release");
    assert.equal(release?.inputs.hash, program.releaseHash);
    for (const r of registered) {
      const text = JSON.stringify(r.inputs, (_k, v) =>
        v && typeof v === "object" && SECRET_SIG in v ? "[secret]" : v,
      );
      assert.ok(!text.includes("program-test-key"), `${r.name} shows the SSH key`);
      assert.ok(!text.includes("ab".repeat(32)), `${r.name} shows the auth secret`);
    }
  });
});
