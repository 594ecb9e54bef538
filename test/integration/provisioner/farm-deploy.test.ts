// End to end without a Pulumi CLI: the Farm component deploys the real release (built from this repository) to two
// whole test hosts (own network namespace, overlay root, systemd as PID 1) through the real providers, with the test
// playing the engine (engine-player.ts). Then: an unchanged `up` changes nothing and restarts nothing; hand edits
// are found by a refresh and repaired; a new worker token restarts the worker and leaves the manager alone.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { createToken } from "../../../agent/shared/auth/tokens.js";
import { loadClassDirectory } from "../../../components/config/load-class.js";
import { type FarmConfig, loadFarmConfig } from "../../../components/config/load-farm.js";
import type { Farm as FarmClass } from "../../../components/farm.js";
import { agentReleaseSources, type BuiltRelease, buildRelease } from "../../../components/release/build-release.js";
import { startTestHosts, type TestHost, type TestHostSet } from "../../hosts/netns-hosts.js";
import { EnginePlayer, type Operation } from "./engine-player.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const AUTH_SECRET = "0123456789abcdef".repeat(4);

// About a minute on a two-core machine. It is the only test of the deployed units really running, so CI runs it;
// SEALFARM_E2E=0 turns it off while iterating on something else.
const skip =
  process.env.SEALFARM_E2E === "0" &&
  "SEALFARM_E2E=0 (boots two systemd test hosts and deploys the real release: about a minute)";

describe("a farm deployed to systemd test hosts (engine played by the test)", { skip }, () => {
  let hosts: TestHostSet;
  let player: EnginePlayer;
  let Farm: typeof FarmClass;
  let release: BuiltRelease;
  let farm: FarmConfig;
  const classes = loadClassDirectory(join(repoRoot, "stacks", "classes"));
  const mgrHost = () => hosts.hosts[0] as TestHost;
  const sealerHost = () => hosts.hosts[1] as TestHost;
  const on = (h: TestHost, script: string) => hosts.inHost(h, ["sh", "-c", script]).trim();
  const mainPid = (h: TestHost, unit: string) => on(h, `systemctl show -P MainPID ${unit}`);

  async function waitActive(h: TestHost, unit: string): Promise<void> {
    const deadline = Date.now() + 60000;
    for (;;) {
      const state = on(h, `systemctl is-active ${unit} || true`);
      if (state === "active") return;
      if (Date.now() > deadline) {
        const status = on(h, `systemctl status --no-pager --lines=20 ${unit} 2>&1 || true`);
        throw new Error(`${unit} on ${h.name} is ${state}:\n${status}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** One `pulumi up`: declares the farm and waits until every resource has been played. */
  async function up(managerToken?: string): Promise<Operation[]> {
    const f = new Farm("farm", {
      farm,
      classes,
      release,
      sshPrivateKey: pulumi.secret(hosts.clientPrivateKey),
      managerAuthSecret: pulumi.secret(AUTH_SECRET),
      ...(managerToken === undefined ? {} : { managerToken: pulumi.secret(managerToken) }),
      tuning: { connectAttempts: 5, retryBaseMs: 200 },
    });
    const done = Promise.all(
      [f.manager.service, ...[...f.workers.values()].map((w) => w.service)].map(
        (s) => new Promise((r) => s.urn.apply(r)),
      ),
    );
    const failed = new Promise<never>((_, reject) => {
      const tick = setInterval(() => {
        if (player.failures.length > 0) {
          clearInterval(tick);
          reject(player.failures[0]);
        }
      }, 50);
      done.finally(() => clearInterval(tick));
    });
    await Promise.race([done, failed]);
    await new Promise((r) => setTimeout(r, 100));
    return player.take();
  }

  const names = (ops: Operation[], op: Operation["op"]) =>
    ops
      .filter((o) => o.op === op)
      .map((o) => o.name)
      .sort();

  before(async () => {
    release = buildRelease(agentReleaseSources(repoRoot), join(repoRoot, ".sealfarm", "releases"));
    hosts = await startTestHosts(2, "systemd");
    player = new EnginePlayer(repoRoot);
    await pulumi.runtime.setMocks(player.mocks(), "sealfarm", "e2e", false);
    ({ Farm } = await import("../../../components/farm.js"));
    farm = loadFarmConfig(
      {
        sectorSize: "2KiB",
        miners: [1000],
        manager: {
          name: "mgr",
          address: mgrHost().address,
          class: "dev",
          database: { url: "sqlite:///var/lib/sealfarm/manager/manager.db" },
          ssh: { hostKey: mgrHost().hostKey },
        },
        persistStores: [{ name: "persist-1", path: "/var/lib/sealfarm/persist-1" }],
        hosts: [
          {
            name: "s1",
            address: sealerHost().address,
            class: "dev",
            role: "sealer",
            ssh: { hostKey: sealerHost().hostKey },
          },
        ],
      },
      "Pulumi.e2e.yaml",
      { classNames: classes.keys() },
    );
  });
  after(async () => {
    await hosts?.stop();
  });

  test("up creates every resource; the manager and the worker run under their hardened units", async () => {
    const ops = await up();
    assert.deepEqual(names(ops, "update"), []);
    assert.deepEqual(names(ops, "create"), [
      "mgr-auth-secret",
      "mgr-manager-service",
      "mgr-manager-toml",
      "mgr-prepare",
      "mgr-release",
      "s1-prepare",
      "s1-release",
      "s1-worker-service",
      "s1-worker-toml",
    ]);
    for (const h of [mgrHost(), sealerHost()])
      assert.equal(on(h, "readlink /opt/sealfarm/current"), `releases/${release.hash}`);
    assert.equal(on(mgrHost(), "stat -c '%a %U' /var/lib/sealfarm/manager/auth.secret"), "600 sealfarm");
    assert.equal(on(sealerHost(), "stat -c '%a %U %G' /etc/sealfarm/worker.toml"), "640 root sealfarm");
    await waitActive(mgrHost(), "sealfarm-manager.service");
    await waitActive(sealerHost(), "sealfarm-worker.service");
    assert.equal(on(mgrHost(), "systemctl show -P User sealfarm-manager.service"), "sealfarm");
    // Still up a few seconds later, never restarted: the worker reached its manager with the derived token.
    await new Promise((r) => setTimeout(r, 4000));
    for (const [h, unit] of [
      [mgrHost(), "sealfarm-manager.service"],
      [sealerHost(), "sealfarm-worker.service"],
    ] as const) {
      const status = () => on(h, `systemctl status --no-pager --lines=20 ${unit} 2>&1 || true`);
      assert.equal(on(h, `systemctl is-active ${unit} || true`), "active", status());
      assert.equal(on(h, `systemctl show -P NRestarts ${unit}`), "0", status());
    }
  });

  test("an unchanged up changes nothing and restarts nothing", async () => {
    const pids = [mainPid(mgrHost(), "sealfarm-manager"), mainPid(sealerHost(), "sealfarm-worker")];
    const ops = await up();
    assert.deepEqual(names(ops, "create"), []);
    assert.deepEqual(names(ops, "update"), []);
    assert.deepEqual([mainPid(mgrHost(), "sealfarm-manager"), mainPid(sealerHost(), "sealfarm-worker")], pids);
  });

  test("refresh finds a hand-edited config and a disabled service; the next up repairs exactly those", async () => {
    on(sealerHost(), "echo '# tuned by hand' >> /etc/sealfarm/worker.toml");
    on(mgrHost(), "systemctl disable sealfarm-manager.service");
    const managerPid = mainPid(mgrHost(), "sealfarm-manager");
    const refreshed = await player.refresh();
    const drifted = [...refreshed].filter(([, r]) => r.drift).map(([n]) => n);
    const why = () =>
      [...refreshed]
        .filter(([n]) => n.endsWith("-service"))
        .map(([n, r]) => `${n}: ${r.live.enabledState}/${r.live.activeState}`)
        .join("; ") +
      `\n${on(sealerHost(), "systemctl status --no-pager --lines=30 sealfarm-worker 2>&1 || true")}` +
      `\n${on(mgrHost(), "systemctl status --no-pager --lines=30 sealfarm-manager 2>&1 || true")}`;
    assert.deepEqual(drifted.sort(), ["mgr-manager-service", "s1-worker-toml"], why());
    const workerPid = mainPid(sealerHost(), "sealfarm-worker");
    const ops = await up();
    assert.deepEqual(names(ops, "update"), ["mgr-manager-service", "s1-worker-toml"]);
    assert.doesNotMatch(on(sealerHost(), "cat /etc/sealfarm/worker.toml"), /tuned by hand/);
    assert.equal(on(mgrHost(), "systemctl is-enabled sealfarm-manager.service"), "enabled");
    assert.equal(mainPid(mgrHost(), "sealfarm-manager"), managerPid, "enabling again is not a restart");
    assert.equal(mainPid(sealerHost(), "sealfarm-worker"), workerPid, "restoring the file is not a restart trigger");
  });

  test("a new worker token restarts the worker and leaves the manager alone", async () => {
    const managerPid = mainPid(mgrHost(), "sealfarm-manager");
    const workerPid = mainPid(sealerHost(), "sealfarm-worker");
    const token = createToken(Buffer.from(AUTH_SECRET, "hex"), "write", {
      nowMs: 1_000_000,
      expiresAtMs: Date.now() + 86_400_000,
    });
    const ops = await up(token);
    assert.deepEqual(names(ops, "update"), ["s1-worker-service", "s1-worker-toml"]);
    assert.ok(on(sealerHost(), "cat /etc/sealfarm/worker.toml").includes(token));
    await waitActive(sealerHost(), "sealfarm-worker.service");
    assert.notEqual(mainPid(sealerHost(), "sealfarm-worker"), workerPid);
    assert.equal(mainPid(mgrHost(), "sealfarm-manager"), managerPid);
  });
});
