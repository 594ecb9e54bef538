// Each systemd test host has a cgroup tree of its own. Without it the hosts' systemds shared the machine's tree, so
// a unit removed on one host stayed loaded while another host ran a unit of the same name (the farm e2e's destroy
// step timed out on exactly that), and `systemctl kill` could not reach the unit's processes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { waitFor } from "../support/wait.js";
import { ownCgroupDirs } from "./host-cgroups.js";
import { startTestHosts, type TestHost, type TestHostSet } from "./netns-hosts.js";

const HYBRID_MOUNTINFO = [
  "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
  "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
  "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children",
  "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
  "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd",
  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate",
].join("\n");

describe("a test host's own cgroups", () => {
  test("finds this process's group in every mounted hierarchy, v1 controllers in any order, and cgroup2", () => {
    const procSelfCgroup = [
      "9:name=systemd:/",
      "4:memory:/process_api/c66",
      "3:cpuset:/",
      "2:cpuacct,cpu:/jobs",
      "0::/",
    ].join("\n");
    assert.deepEqual(ownCgroupDirs(procSelfCgroup, HYBRID_MOUNTINFO), [
      "/sys/fs/cgroup/cpu,cpuacct/jobs",
      "/sys/fs/cgroup/cpuset",
      "/sys/fs/cgroup/memory/process_api/c66",
      "/sys/fs/cgroup/systemd",
      "/sys/fs/cgroup/unified",
    ]);
  });

  test("a pure cgroup2 machine, a hierarchy not mounted, and a mount of a subtree", () => {
    const v2 = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot";
    assert.deepEqual(ownCgroupDirs("0::/user.slice/session-1.scope", v2), [
      "/sys/fs/cgroup/user.slice/session-1.scope",
    ]);
    // A named v1 hierarchy nobody mounted is skipped, not guessed.
    assert.deepEqual(ownCgroupDirs("12:name=other:/x\n0::/a", v2), ["/sys/fs/cgroup/a"]);
    // A container that sees only /lxc/c1 of the hierarchy, mounted at /sys/fs/cgroup.
    const sub = "30 23 0:26 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw";
    assert.deepEqual(ownCgroupDirs("0::/lxc/c1/init", sub), ["/sys/fs/cgroup/init"]);
    assert.deepEqual(ownCgroupDirs("0::/elsewhere", sub), []);
  });

  describe("two systemd hosts running a unit of the same name", () => {
    let hosts: TestHostSet | undefined;
    const H = () => hosts as TestHostSet;
    const on = (i: number, script: string) =>
      H()
        .inHost(H().hosts[i] as TestHost, ["sh", "-c", script])
        .trim();
    const UNIT = "sealfarm-cgroup-probe.service";
    const listed = (i: number) => on(i, `systemctl list-units --all --plain --no-legend ${UNIT} || true`);

    test("each host's unit cgroup holds only that host's processes, and kill and removal stay on their host", async (t) => {
      hosts = await startTestHosts(2, "systemd");
      t.after(() => hosts?.stop());
      for (const i of [0, 1]) {
        on(
          i,
          `printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/${UNIT} && systemctl daemon-reload && systemctl start ${UNIT}`,
        );
      }
      for (const i of [0, 1]) {
        const group = on(i, `systemctl show -P ControlGroup ${UNIT}`);
        const main = on(i, `systemctl show -P MainPID ${UNIT}`);
        // Read inside the host: a PID of another PID namespace would show as 0.
        const procs = on(i, `d=/sys/fs/cgroup/systemd; [ -d $d ] || d=/sys/fs/cgroup; cat $d${group}/cgroup.procs`);
        assert.equal(procs, main, `host ${i}`);
      }
      // systemctl kill signals the unit's cgroup; it reaches this host's process and no other host's.
      on(0, `systemctl kill -s KILL ${UNIT}`);
      await waitFor(
        "the killed unit on host 0 to fail",
        () => (on(0, `systemctl is-failed ${UNIT} || true`) === "failed" ? true : undefined),
        30_000,
        200,
      );
      assert.equal(on(1, `systemctl is-active ${UNIT} || true`), "active");
      // Removed on host 0 while host 1 still runs it: host 0 unloads it (its cgroup is empty).
      on(0, `rm /etc/systemd/system/${UNIT} && systemctl daemon-reload && systemctl reset-failed ${UNIT}`);
      await waitFor("host 0 to unload the removed unit", () => (listed(0) === "" ? true : undefined), 30_000, 200);
      assert.match(listed(1), /active running/);
    });
  });
});
