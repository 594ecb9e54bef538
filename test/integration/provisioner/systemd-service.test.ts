// SystemdService's provider methods against a whole test host: its own network namespace, an overlay of the root
// and systemd as PID 1, reached over SSH like a real machine. `systemctl` there is real.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import {
  systemdServiceProvider as p,
  SYSTEMD_SERVICE_PROVIDER_VERSION,
  type SystemdServiceInputs,
  systemdServiceDrift,
} from "../../../components/providers/systemd-service.js";
import { providerTestHosts } from "../../support/provider-test-hosts.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const NAME = "sealfarm-probe.service";
const unitText = (description: string) =>
  [
    "[Unit]",
    `Description=${description}`,
    "",
    "[Service]",
    "Type=simple",
    "ExecStart=/bin/sleep infinity",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");

describe("SystemdService provider against a systemd test host", () => {
  const t = providerTestHosts(1, "systemd");
  const host = () => t.host(0);
  const inputs = (extra: Partial<SystemdServiceInputs> = {}): SystemdServiceInputs => ({
    connection: t.connection(host(), { connectAttempts: 3, retryBaseMs: 100 }),
    name: NAME,
    unit: unitText("probe v1"),
    restartTrigger: "config-a",
    providerVersion: SYSTEMD_SERVICE_PROVIDER_VERSION,
    ...extra,
  });
  const onHost = (...argv: string[]) => t.hosts.inHost(host(), argv).trim();
  const mainPid = () => onHost("systemctl", "show", "-P", "MainPID", NAME);

  test("create installs the unit, reloads, enables and starts it; read reports it", async () => {
    const created = await p.create(inputs());
    assert.equal(created.outs.unitSha256, sha(unitText("probe v1")));
    assert.equal(created.outs.enabledState, "enabled");
    assert.equal(created.outs.activeState, "active");
    assert.equal(onHost("systemctl", "is-active", NAME), "active");
    assert.equal(onHost("systemctl", "is-enabled", NAME), "enabled");
    assert.equal(onHost("cat", `/etc/systemd/system/${NAME}`), unitText("probe v1").trim());
    const read = await p.read(created.id, created.outs);
    assert.equal(read.id, created.id);
    assert.equal((await p.diff(created.id, read.props, inputs())).changes, false);
  });

  test("the service restarts only when its restart trigger or its unit changes", async () => {
    const state = (await p.read(`${host().address}:${NAME}`, (await p.create(inputs())).outs)).props;
    const pid0 = mainPid();
    const same = await p.update("id", state, inputs());
    assert.equal(mainPid(), pid0, "unchanged inputs leave the process alone");
    const retriggered = await p.update("id", same.outs, inputs({ restartTrigger: "config-b" }));
    const pid1 = mainPid();
    assert.notEqual(pid1, pid0, "a new trigger restarts it");
    assert.equal(retriggered.outs.activeState, "active");
    await p.update("id", retriggered.outs, inputs({ restartTrigger: "config-b", unit: unitText("probe v2") }));
    assert.notEqual(mainPid(), pid1, "a new unit restarts it");
    assert.match(onHost("systemctl", "show", "-P", "Description", NAME), /probe v2/);
  });

  test("a service stopped or a unit edited by hand is drift; update repairs it", async () => {
    const want = inputs({ restartTrigger: "config-b", unit: unitText("probe v2") });
    const created = await p.create(want);
    onHost("systemctl", "disable", "--now", NAME);
    const stopped = await p.read(created.id, created.outs);
    assert.equal(stopped.props.activeState, "inactive");
    assert.equal(stopped.props.enabledState, "disabled");
    assert.deepEqual(systemdServiceDrift(stopped.props, want), ["is-enabled disabled", "is-active inactive"]);
    assert.equal((await p.diff(created.id, stopped.props, want)).changes, true);
    const repaired = await p.update(created.id, stopped.props, want);
    assert.equal(repaired.outs.activeState, "active");
    assert.equal(repaired.outs.enabledState, "enabled");

    onHost("sh", "-c", `echo '# local hack' >> /etc/systemd/system/${NAME}`);
    const edited = await p.read(created.id, repaired.outs);
    assert.notEqual(edited.props.unitSha256, sha(unitText("probe v2")));
    assert.match(systemdServiceDrift(edited.props, want)[0] ?? "", /^unit sha256 /);
    await p.update(created.id, edited.props, want);
    assert.equal(onHost("sha256sum", `/etc/systemd/system/${NAME}`).split(" ")[0], sha(unitText("probe v2")));
  });

  test("a unit that cannot start fails with systemd's own status, naming the host", async () => {
    const broken = inputs({
      name: "sealfarm-broken.service",
      unit: "[Service]\nType=oneshot\nExecStart=/bin/false\n\n[Install]\nWantedBy=multi-user.target\n",
    });
    await assert.rejects(p.create(broken), (err: Error) => {
      assert.match(err.message, new RegExp(`root@${host().address.replace(/\./g, "\\.")}:22: systemctl start`));
      assert.match(err.message, /sealfarm-broken\.service/);
      return true;
    });
    const state = { ...(await p.create(inputs())).outs, name: "sealfarm-broken.service" };
    const left = await p.read("x", state);
    assert.equal(left.props.activeState, "failed");
    // Fixing the unit brings it up, although systemd still remembers the failure.
    const fixed = await p.create(inputs({ name: "sealfarm-broken.service", unit: unitText("fixed") }));
    assert.equal(fixed.outs.activeState, "active");
    await p.delete("x", fixed.outs);
    assert.equal(
      onHost("sh", "-c", "test -e /etc/systemd/system/sealfarm-broken.service && echo present || echo absent"),
      "absent",
    );
  });

  test("an unknown host key is refused with the presented fingerprint; nothing is installed", async () => {
    const unpinned = inputs({ name: "sealfarm-unpinned.service" });
    unpinned.connection = { ...unpinned.connection, hostKey: "" };
    await assert.rejects(p.create(unpinned), (err: Error) => {
      assert.match(err.message, /host key unknown/);
      assert.ok(err.message.includes(host().hostKeyFingerprint));
      return true;
    });
    assert.equal(
      onHost("sh", "-c", "test -e /etc/systemd/system/sealfarm-unpinned.service && echo present || echo absent"),
      "absent",
    );
  });

  test("delete disables, stops and removes the unit; a removed unit reads as gone", async () => {
    const created = await p.create(inputs());
    await p.delete(created.id, created.outs);
    assert.equal(t.hosts.inHost(host(), ["sh", "-c", `systemctl is-active ${NAME} || true`]).trim(), "inactive");
    assert.equal(onHost("sh", "-c", `test -e /etc/systemd/system/${NAME} && echo present || echo absent`), "absent");
    const read = await p.read(created.id, created.outs);
    assert.equal(read.id, "");
    await p.delete(created.id, created.outs);
  });
});
