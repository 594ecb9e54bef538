// The Farm component tree under pulumi.runtime.setMocks: which resources a three-host farm declares, under which
// parents, that secrets stay secret everywhere the engine would store them, and that changing one host's class
// touches only that host's resources. The machine classes are the shipped ones; the release is really built.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { engineIdle } from "../test/support/pulumi-engine.js";
import { randomHostKey } from "../test/support/ssh-host-key.js";
import { loadClassDirectory } from "./core/config/load-class.js";
import { type FarmConfig, loadFarmConfig } from "./core/config/load-farm.js";
import type { Farm as FarmClass } from "./farm.js";
import type { ReleaseRef } from "./host-foundation.js";
import { buildRelease } from "./release/build-release.js";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SSH_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VhbGZhcm0tdGVzdC1rZXktbm90LXJlYWw=\n-----END OPENSSH PRIVATE KEY-----\n";
const AUTH_SECRET = "5ea1fa2b".repeat(8);
const TOKEN = "sf1.dGVzdA.worker-token-for-the-mocked-engine";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

function farmObject(sealerClass: string) {
  return {
    sectorSize: "32GiB",
    miners: [1000],
    manager: {
      name: "mgr-01",
      address: "10.1.0.10",
      class: "manager-small",
      database: { url: "sqlite:///var/lib/sealfarm/manager/manager.db" },
      ssh: { hostKey: KEYS.mgr },
    },
    persistStores: [{ name: "persist-1", path: "/mnt/persist-1" }],
    hosts: [
      { name: "sealer-01", address: "10.1.0.21", class: sealerClass, role: "sealer", ssh: { hostKey: KEYS.sealer } },
      { name: "post-01", address: "10.1.0.31", class: "post-1gpu", role: "post", ssh: { hostKey: KEYS.post } },
    ],
  };
}
const KEYS = { mgr: randomHostKey(), sealer: randomHostKey(), post: randomHostKey() };

/** Drops secret envelopes: what is left is what the engine would store in plain text. */
function plainOnly(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainOnly);
  if (v && typeof v === "object") {
    if ((v as Record<string, unknown>)[SECRET_SIG] !== undefined) return "[secret]";
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainOnly(x)]));
  }
  return v;
}

function isSecretEnvelope(v: unknown): boolean {
  return !!v && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG] !== undefined;
}

/**
 * Each resource's inputs as JSON, by name, without the components (which store none) and the serialized provider
 * (the same code in every resource): what a diff between two declared farms compares.
 */
function inputsByName(rs: Registered[]): Map<string, string> {
  return new Map(
    rs
      .filter((r) => !r.type.startsWith("sealfarm:index:"))
      .map((r) => {
        const { __provider: _, ...rest } = r.inputs;
        return [r.name, JSON.stringify(rest)];
      }),
  );
}

describe("Farm component (mocked engine)", () => {
  const registered: Registered[] = [];
  const parents = new Map<string, pulumi.Resource | undefined>();
  let Farm: typeof FarmClass;
  let classes: ReturnType<typeof loadClassDirectory>;
  let release: ReleaseRef;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sealfarm-farm-test-"));
    writeFileSync(join(dir, "proofs"), "#!/bin/sh\n");
    chmodSync(join(dir, "proofs"), 0o755);
    release = buildRelease([{ from: join(dir, "proofs"), path: "bin/sealfarm-proofs" }], join(dir, "out"));
    classes = loadClassDirectory(join(import.meta.dirname, "..", "stacks", "classes"));
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call(args) {
          return args.inputs;
        },
      },
      "sealfarm",
      "test",
      false,
    );
    ({ Farm } = await import("./farm.js"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Declares a farm and waits until every resource registered; returns the resources it registered. */
  async function declare(name: string, farm: FarmConfig): Promise<{ farm: FarmClass; resources: Registered[] }> {
    const start = registered.length;
    const instance = new Farm(
      name,
      {
        farm,
        classes,
        release,
        sshPrivateKey: pulumi.secret(SSH_KEY),
        managerAuthSecret: pulumi.secret(AUTH_SECRET),
        managerToken: pulumi.secret(TOKEN),
      },
      {
        transformations: [
          (a) => {
            parents.set(`${name}/${a.name}`, a.opts.parent);
            return undefined;
          },
        ],
      },
    );
    // Wait for the leaves: each service's URN resolves once it registered, after everything it depends on.
    const services = [instance.manager.service, ...instance.workers.values()].map((s) =>
      "service" in s ? s.service : s,
    );
    await Promise.all(services.map((s) => new Promise((r) => s.urn.apply(r))));
    // Then until the engine's queue of registrations has drained (not a guess at how long that takes).
    await engineIdle();
    return { farm: instance, resources: registered.slice(start) };
  }

  const load = (sealerClass: string) =>
    loadFarmConfig(farmObject(sealerClass), "Pulumi.test.yaml", { classNames: classes.keys() });

  test("a three-host farm declares a manager, one worker per host, and per host: prepare, release, config, service (mocked engine)", async () => {
    const { resources } = await declare("farm", load("epyc-2gpu"));
    const names = (type: string) =>
      resources
        .filter((r) => r.type === type)
        .map((r) => r.name)
        .sort();
    assert.deepEqual(names("sealfarm:index:Farm"), ["farm"]);
    assert.deepEqual(names("sealfarm:index:ManagerHost"), ["mgr-01-manager"]);
    assert.deepEqual(names("sealfarm:index:WorkerHost"), ["post-01-post", "sealer-01-sealer"]);
    assert.deepEqual(names("pulumi-nodejs:dynamic/sealfarm:RemoteScript"), [
      "mgr-01-prepare",
      "post-01-prepare",
      "sealer-01-prepare",
    ]);
    assert.deepEqual(names("pulumi-nodejs:dynamic/sealfarm:RemoteRelease"), [
      "mgr-01-release",
      "post-01-release",
      "sealer-01-release",
    ]);
    assert.deepEqual(names("pulumi-nodejs:dynamic/sealfarm:RemoteFile"), [
      "mgr-01-auth-secret",
      "mgr-01-manager-toml",
      "mgr-01-tls-crt",
      "mgr-01-tls-key",
      "post-01-manager-ca",
      "post-01-worker-toml",
      "sealer-01-manager-ca",
      "sealer-01-worker-toml",
    ]);
    assert.deepEqual(names("pulumi-nodejs:dynamic/sealfarm:SystemdService"), [
      "mgr-01-manager-service",
      "post-01-worker-service",
      "sealer-01-worker-service",
    ]);
    // The farm, the manager and two workers, 4 children per host plus the manager's TLS pair and each worker's pin.
    assert.equal(resources.length, 1 + 1 + 2 + 3 * 4 + 2 + 2 + 1);

    const byName = (n: string) => resources.find((r) => r.name === n) as Registered;
    assert.equal(byName("sealer-01-worker-toml").inputs.path, "/etc/sealfarm/worker.toml");
    assert.equal(byName("mgr-01-manager-toml").inputs.path, "/var/lib/sealfarm/manager/manager.toml");
    assert.equal(byName("mgr-01-auth-secret").inputs.mode, "0600");
    assert.equal(byName("sealer-01-release").inputs.hash, release.hash);
    assert.equal(byName("post-01-worker-service").inputs.name, "sealfarm-worker.service");
    assert.match(String(byName("mgr-01-manager-toml").inputs.content), /^listen = "0\.0\.0\.0:1789"$/m);
    // TLS: the manager serves the farm's certificate on the next port; the workers pin it.
    assert.match(String(byName("mgr-01-manager-toml").inputs.content), /^listen = "0\.0\.0\.0:1790"$/m);
    assert.equal(byName("mgr-01-tls-key").inputs.mode, "0600");
    assert.ok(isSecretEnvelope(byName("mgr-01-tls-key").inputs.content), "the TLS key is a secret");
    assert.match(String(byName("sealer-01-manager-ca").inputs.content), /^-----BEGIN CERTIFICATE-----/);
    assert.equal(byName("sealer-01-manager-ca").inputs.path, "/etc/sealfarm/manager-tls.crt");
    const pinned = (byName("sealer-01-worker-toml").inputs.content as { value: string }).value;
    assert.match(pinned, /addr = "https:\/\/10\.1\.0\.10:1790"/);
    assert.match(pinned, /manager_ca_file = "\/etc\/sealfarm\/manager-tls\.crt"/);
    assert.match(pinned, /manager_fingerprint = "sha256:[0-9A-F:]+"/);
  });

  test("children hang under their host's component, hosts under the farm (mocked engine)", async () => {
    const { farm } = await declare("farm-parents", load("epyc-2gpu"));
    const sealer = farm.workers.get("sealer-01");
    const post = farm.workers.get("post-01");
    for (const child of ["prepare", "release", "worker-toml", "worker-service"]) {
      assert.equal(parents.get(`farm-parents/sealer-01-${child}`), sealer, `sealer-01-${child}`);
      assert.equal(parents.get(`farm-parents/post-01-${child}`), post, `post-01-${child}`);
    }
    for (const child of ["prepare", "release", "manager-toml", "auth-secret", "manager-service"])
      assert.equal(parents.get(`farm-parents/mgr-01-${child}`), farm.manager, `mgr-01-${child}`);
    assert.equal(parents.get("farm-parents/sealer-01-sealer"), farm);
    assert.equal(parents.get("farm-parents/mgr-01-manager"), farm);
    // The mock engine builds URNs from the immediate parent's type, as the engine does for the last hop.
    const urn = await new Promise<string>((r) => sealer?.service.urn.apply(r));
    assert.match(
      urn,
      /::sealfarm:index:WorkerHost\$pulumi-nodejs:dynamic\/sealfarm:SystemdService::sealer-01-worker-service$/,
    );
  });

  test("the SSH key, auth secret and token are secrets wherever they go; components store no inputs (mocked engine)", async () => {
    const { resources } = await declare("farm-secrets", load("epyc-2gpu"));
    for (const r of resources) {
      const plain = JSON.stringify(plainOnly(r.inputs));
      for (const secret of [SSH_KEY.split("\n")[1] as string, AUTH_SECRET, TOKEN])
        assert.ok(!plain.includes(secret), `${r.type} ${r.name} stores a secret in plain text`);
      if (r.type.startsWith("sealfarm:index:")) assert.deepEqual(r.inputs, {}, `${r.name} has component inputs`);
      if (r.type.startsWith("pulumi-nodejs:dynamic/")) {
        assert.ok(isSecretEnvelope(r.inputs.connection), `${r.name}: connection must be a secret`);
        assert.equal(typeof r.inputs.__provider, "string", `${r.name}: serialized provider`);
      }
    }
    const toml = resources.find((r) => r.name === "sealer-01-worker-toml") as Registered;
    assert.ok(isSecretEnvelope(toml.inputs.content), "the worker TOML holds the token, so it is a secret");
    const inside = (toml.inputs.content as { value: string }).value;
    assert.match(inside, new RegExp(`token = "${TOKEN.replace(/\./g, "\\.")}"`));
    const auth = resources.find((r) => r.name === "mgr-01-auth-secret") as Registered;
    assert.equal((auth.inputs.content as { value: string }).value, `${AUTH_SECRET}\n`);
    const cmd = resources.find((r) => r.name === "sealer-01-prepare") as Registered;
    assert.ok(isSecretEnvelope(cmd.inputs.connection), "the one-shot command's connection is a secret too");
  });

  test("changing one host's class touches only that host's resources (mocked engine)", async () => {
    const before = inputsByName((await declare("farm-a", load("epyc-2gpu"))).resources);
    const afterChange = inputsByName((await declare("farm-b", load("post-1gpu"))).resources);
    assert.deepEqual([...afterChange.keys()].sort(), [...before.keys()].sort(), "same resources by name");
    const changed = [...before.keys()].filter((n) => before.get(n) !== afterChange.get(n)).sort();
    assert.deepEqual(changed, ["sealer-01-prepare", "sealer-01-worker-service", "sealer-01-worker-toml"]);
  });

  test("adding a host (scale out) adds only that host's resources, wherever it sits in the list (mocked engine)", async () => {
    const before = inputsByName((await declare("farm-c", load("epyc-2gpu"))).resources);
    const grown = farmObject("epyc-2gpu");
    // The new host goes first: names come from hosts, not positions, so nothing else moves.
    grown.hosts.unshift({
      name: "sealer-02",
      address: "10.1.0.22",
      class: "epyc-2gpu",
      role: "sealer",
      ssh: { hostKey: randomHostKey() },
    });
    const afterGrowth = inputsByName(
      (await declare("farm-d", loadFarmConfig(grown, "Pulumi.test.yaml", { classNames: classes.keys() }))).resources,
    );
    const added = [...afterGrowth.keys()].filter((n) => !before.has(n)).sort();
    assert.deepEqual(added, [
      "sealer-02-manager-ca",
      "sealer-02-prepare",
      "sealer-02-release",
      "sealer-02-worker-service",
      "sealer-02-worker-toml",
    ]);
    for (const [n, inputs] of before) assert.equal(afterGrowth.get(n), inputs, `${n} changed`);
  });

  test("deals is the one owner of the fact: it turns deals on in manager.toml and every sealer's TOML (mocked engine)", async () => {
    const content = (rs: Registered[], n: string) => {
      const c = (rs.find((r) => r.name === n) as Registered).inputs.content;
      return isSecretEnvelope(c) ? (c as { value: string }).value : String(c);
    };
    for (const deals of [false, true]) {
      const obj = { ...farmObject("epyc-2gpu"), ...(deals ? { deals } : {}) };
      const { resources } = await declare(
        `farm-deals-${deals}`,
        loadFarmConfig(obj, "Pulumi.test.yaml", { classNames: classes.keys() }),
      );
      const manager = content(resources, "mgr-01-manager-toml");
      assert.deepEqual(manager.match(/^enable_deals = \w+$/gm), [`enable_deals = ${deals}`], "the one miner");
      assert.match(content(resources, "sealer-01-worker-toml"), new RegExp(`^enable_deals = ${deals}$`, "m"));
      // A PoSt host seals nothing: its TOML does not change with deals (no restart of the PoSt workers).
      assert.match(content(resources, "post-01-worker-toml"), /^enable_deals = false$/m);
    }
  });

  test("the summary reports each host's role, threads and expected sectors per day (mocked engine)", async () => {
    const { farm } = await declare("farm-summary", load("epyc-2gpu"));
    assert.deepEqual(farm.summary["mgr-01"], { role: "manager", address: "10.1.0.10", class: "manager-small" });
    assert.equal(farm.summary["sealer-01"]?.threads, 13);
    assert.ok((farm.summary["sealer-01"]?.expectedSectorsPerDay ?? 0) > 0);
    assert.equal(farm.summary["post-01"]?.role, "post");
  });
});
