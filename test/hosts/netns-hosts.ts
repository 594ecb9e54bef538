// Test hosts for the SSH providers: each host is a network namespace with a veth into a bridge this run creates,
// an address in a private /24 that exists only inside this machine, and its own sshd (own host key, own config).
// Every name carries the PID, so parallel runs never collide, and `stop()` removes everything even after a failure.
// Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN for `ip netns add`); without it, start fails with a message that says so.
//
// Two kinds of host:
// - "sshd": a bare sshd child per namespace (fast; files only, no service manager);
// - "systemd": a whole test host (machine-notes, last section): own PID, mount and UTS namespaces, a copy-on-write
//   overlay of the real root, and systemd as its PID 1, which starts the Debian `ssh` unit. `systemctl` on it is
//   real. Units that would touch the shared kernel or console, and the machine's own enabled services, are masked.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../support/wait.js";
import { createHostCgroups, joinCgroupsScript, removeCgroupTree } from "./host-cgroups.js";

export interface TestHost {
  readonly name: string;
  readonly netns: string;
  readonly address: string;
  readonly port: number;
  /** The host's public key as an OpenSSH line ("ssh-ed25519 AAAA..."), what an operator pins. */
  readonly hostKey: string;
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  /** The host-side veth in the root namespace (taking it down cuts the host off). */
  readonly veth: string;
  readonly sshdLog: string;
  /** PID of the listening sshd (a child of this process). */
  sshdPid(): number;
}

export type TestHostKind = "sshd" | "systemd";

export interface TestHostSet {
  readonly hosts: readonly TestHost[];
  readonly dir: string;
  /** The client's OpenSSH private key (authorized for root on every host). */
  readonly clientPrivateKey: string;
  /** Kills the per-connection sshd children of a host (its sessions), leaving the listener up. */
  killSessions(host: TestHost): number;
  setLinkUp(host: TestHost, up: boolean): void;
  /** Runs a command inside a systemd host (all its namespaces and its root), returning stdout. */
  inHost(host: TestHost, argv: string[]): string;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: "utf8" });
  if (res.error) throw new Error(`${cmd} ${args.join(" ")}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${res.status}: ${res.stderr.trim()}`);
  return res.stdout;
}

function tryRun(cmd: string, args: string[]): void {
  spawnSync(cmd, args, { encoding: "utf8" });
}

/** `SHA256:<unpadded base64>` of an OpenSSH public key line, the form `ssh-keygen -lf` and ssh print. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

export function generateKeyPair(dir: string, name: string): { privatePath: string; publicLine: string } {
  const privatePath = join(dir, name);
  run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", privatePath]);
  return { privatePath, publicLine: readFileSync(`${privatePath}.pub`, "utf8").trim() };
}

function waitForPort(address: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = createConnection({ host: address, port });
      sock.once("connect", () => {
        sock.destroy();
        resolve();
      });
      sock.once("error", (err) => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd at ${address}:${port} did not listen: ${err.message}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A /24 in 10.64.0.0/10 derived from the PID, so parallel runs get different subnets. */
export function subnetFor(pid: number): string {
  return `10.${64 + ((pid >> 8) % 64)}.${pid % 256}`;
}

/** Units a test host must not start: they touch the shared kernel or console, or are this machine's own services. */
function unitsToMask(): string[] {
  const own = (() => {
    try {
      return readdirSync("/etc/systemd/system/multi-user.target.wants").filter((u) => u !== "ssh.service");
    } catch {
      return [];
    }
  })();
  return [
    "systemd-sysctl.service",
    "systemd-binfmt.service",
    "systemd-modules-load.service",
    "systemd-remount-fs.service",
    "systemd-timesyncd.service",
    "getty@tty1.service",
    "serial-getty@ttyS0.service",
    "getty.target",
    "timers.target",
    ...own,
  ];
}

export interface TestHostOptions {
  /**
   * systemd hosts only: absolute paths that are one directory shared by every host (bind mounts of one directory of
   * this run), the way a farm mounts its persist stores over NFS on every host.
   */
  readonly sharedDirs?: readonly string[];
}

export async function startTestHosts(
  count: number,
  kind: TestHostKind = "sshd",
  options: TestHostOptions = {},
): Promise<TestHostSet> {
  if (process.getuid?.() !== 0) {
    throw new Error("test hosts need root: creating network namespaces (ip netns add) requires CAP_SYS_ADMIN");
  }
  const pid = process.pid;
  const tag = `${pid}`;
  const bridge = `sfbr${tag}`.slice(0, 15);
  const subnet = subnetFor(pid);
  const dir = mkdtempSync(join(tmpdir(), "sealfarm-hosts-"));
  const created = { bridge: false, netns: [] as string[], veths: [] as string[], cgroups: [] as string[] };
  const sshds = new Map<string, ChildProcess>();
  const systemdPids = new Map<string, number>();

  // After PID 1 of a host is killed its processes are gone in moments; a cgroup left behind (one still busy after
  // the guard) is named, not silently kept.
  const removeHostCgroups = () => {
    const left = created.cgroups.flatMap((d) => removeCgroupTree(d));
    created.cgroups = [];
    if (left.length > 0) process.stderr.write(`test hosts: could not remove cgroups ${left.join(", ")}\n`);
  };
  const stop = async (): Promise<void> => {
    await Promise.all(
      [...sshds.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            // Killing a systemd host's PID 1 takes its whole PID namespace (and the overlay mount) with it.
            for (const c of childPids(child.pid ?? 0)) tryRun("kill", ["-9", String(c)]);
            child.kill("SIGKILL");
          }),
      ),
    );
    sshds.clear();
    removeHostCgroups();
    for (const veth of created.veths) tryRun("ip", ["link", "del", veth]);
    for (const ns of created.netns) tryRun("ip", ["netns", "del", ns]);
    if (created.bridge) tryRun("ip", ["link", "del", bridge]);
    created.veths = [];
    created.netns = [];
    created.bridge = false;
    rmSync(dir, { recursive: true, force: true });
  };

  // If the process exits without stop() (a test runner timing out, an uncaught error), still take the hosts down.
  const onExit = () => {
    for (const child of sshds.values()) {
      for (const c of childPids(child.pid ?? 0)) tryRun("kill", ["-9", String(c)]);
      child.kill("SIGKILL");
    }
    removeHostCgroups();
    for (const veth of created.veths) tryRun("ip", ["link", "del", veth]);
    for (const ns of created.netns) tryRun("ip", ["netns", "del", ns]);
    if (created.bridge) tryRun("ip", ["link", "del", bridge]);
    rmSync(dir, { recursive: true, force: true });
  };
  // A runner that times out sends SIGTERM, which skips "exit" handlers unless the signal is handled.
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    process.kill(process.pid, signal);
  };
  process.once("exit", onExit);
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  const stopOnce = stop;
  const stopAll = async () => {
    process.removeListener("exit", onExit);
    process.removeListener("SIGTERM", onSignal);
    process.removeListener("SIGINT", onSignal);
    await stopOnce();
  };

  try {
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    // A crashed earlier run with the same PID may have left these names behind.
    tryRun("ip", ["link", "del", bridge]);
    const client = generateKeyPair(dir, "client_ed25519");
    writeFileSync(join(dir, "bashrc"), "# sealfarm test host: no interactive shell setup\n", { mode: 0o644 });
    writeFileSync(join(dir, "authorized_keys"), `${client.publicLine}\n`, { mode: 0o600 });

    try {
      run("ip", ["link", "add", bridge, "type", "bridge"]);
    } catch (err) {
      throw new Error(`test hosts: cannot create bridge ${bridge} (needs root with CAP_NET_ADMIN): ${String(err)}`);
    }
    created.bridge = true;
    run("ip", ["addr", "add", `${subnet}.1/24`, "dev", bridge]);
    run("ip", ["link", "set", bridge, "up"]);

    const hosts: TestHost[] = [];
    for (let i = 1; i <= count; i++) {
      const name = `h${i}`;
      const netns = `sealfarm-${tag}-${name}`;
      const veth = `sfv${tag}x${i}`.slice(0, 15);
      const address = `${subnet}.${10 + i}`;
      try {
        tryRun("ip", ["netns", "del", netns]);
        tryRun("ip", ["link", "del", veth]);
        run("ip", ["netns", "add", netns]);
      } catch (err) {
        throw new Error(`test hosts: ip netns add ${netns} is not permitted here (run as root): ${String(err)}`);
      }
      created.netns.push(netns);
      run("ip", ["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns]);
      created.veths.push(veth);
      run("ip", ["link", "set", veth, "master", bridge, "up"]);
      run("ip", ["-n", netns, "addr", "add", `${address}/24`, "dev", "eth0"]);
      run("ip", ["-n", netns, "link", "set", "eth0", "up"]);
      run("ip", ["-n", netns, "link", "set", "lo", "up"]);

      const hostKey = generateKeyPair(dir, `host_${name}_ed25519`);
      const sshdLog = join(dir, `sshd_${name}.log`);
      let child: ChildProcess;
      let listenerPid: () => number;
      if (kind === "sshd") {
        const config = join(dir, `sshd_config_${name}`);
        writeFileSync(
          config,
          [
            "Port 22",
            `ListenAddress ${address}`,
            `HostKey ${hostKey.privatePath}`,
            `PidFile ${join(dir, `sshd_${name}.pid`)}`,
            `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "AllowUsers root",
            "MaxStartups 100",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
            "",
          ].join("\n"),
        );
        // sshd runs commands through root's login shell, and bash reads ~/.bashrc for ssh commands: this machine's
        // (pyenv rehash, cargo env) would run, with side effects on the real /root, for every provider command. The
        // host gets a neutral one, bind-mounted in its own mount namespace (unshare without --fork keeps the PID).
        const boot = `mount --bind ${join(dir, "bashrc")} /root/.bashrc && exec /usr/sbin/sshd -D -f ${config} -E ${sshdLog}`;
        child = spawn(
          "ip",
          ["netns", "exec", netns, "unshare", "--mount", "--propagation", "private", "sh", "-c", boot],
          { stdio: "ignore" },
        );
        listenerPid = () => child.pid ?? 0;
      } else {
        const root = join(dir, `root_${name}`);
        const upper = join(dir, `upper_${name}`);
        const work = join(dir, `work_${name}`);
        for (const d of [root, work, join(upper, "etc/systemd/system"), join(upper, "etc/ssh/sshd_config.d")])
          mkdirSync(d, { recursive: true });
        for (const unit of unitsToMask()) symlinkSync("/dev/null", join(upper, "etc/systemd/system", unit));
        writeFileSync(join(upper, "etc/hostname"), `${name}\n`);
        // The same neutral ~/.bashrc as the sshd hosts (see there), here simply in the host's own upper layer.
        mkdirSync(join(upper, "root"), { mode: 0o700 });
        copyFileSync(join(dir, "bashrc"), join(upper, "root/.bashrc"));
        copyFileSync(hostKey.privatePath, join(upper, "etc/ssh/sealfarm_test_host_ed25519_key"));
        copyFileSync(join(dir, "authorized_keys"), join(upper, "etc/ssh/sealfarm_test_authorized_keys"));
        writeFileSync(
          join(upper, "etc/ssh/sshd_config.d/sealfarm-test.conf"),
          [
            "HostKey /etc/ssh/sealfarm_test_host_ed25519_key",
            "AuthorizedKeysFile /etc/ssh/sealfarm_test_authorized_keys",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            // No PAM session: no logind/user@ manager per login, so a command costs milliseconds, not a second.
            "UsePAM no",
            "MaxStartups 100",
            "",
          ].join("\n"),
        );
        const shared = (options.sharedDirs ?? []).map((p) => {
          const from = join(dir, "shared", p);
          mkdirSync(from, { recursive: true });
          return `mkdir -p ${root}${p} && mount --bind ${from} ${root}${p}`;
        });
        const boot = [
          `mount -t overlay overlay -o lowerdir=/,upperdir=${upper},workdir=${work} ${root}`,
          ...shared,
          `hostname ${name}`,
          `exec chroot ${root} /lib/systemd/systemd --system --unit=multi-user.target`,
        ].join(" && ");
        // Its own cgroup subtree, entered before `ip netns exec` (which remounts /sys), and a cgroup namespace rooted
        // there (host-cgroups.ts says why).
        const cgroups = createHostCgroups(`sealfarm-test-${tag}-${name}`);
        created.cgroups.push(...cgroups);
        const launch = [
          ...joinCgroupsScript(cgroups),
          'exec ip netns exec "$0" unshare --pid --fork --mount --uts --cgroup --propagation private sh -c "$1"',
        ].join(" && ");
        child = spawn("sh", ["-c", launch, netns, boot], { stdio: ["ignore", "ignore", "ignore"] });
        const systemdPid = () => childPids(child.pid ?? 0)[0] ?? 0;
        await waitFor(`systemd in ${netns}`, () => (systemdPid() > 0 ? true : undefined), 10_000, 100);
        const pid1 = systemdPid();
        const state = () =>
          spawnSync("nsenter", ["-t", String(pid1), "-a", "-r", "-w", "systemctl", "is-system-running"], {
            encoding: "utf8",
          }).stdout.trim();
        await waitFor(
          `systemd in ${netns} to finish booting`,
          () => (["running", "degraded"].includes(state()) ? true : undefined),
          30_000,
          100,
        );
        // The ssh unit's listener, as a PID of this (outer) namespace: the sshd among PID 1's children.
        listenerPid = () =>
          childPids(pid1).find((c) => {
            try {
              return readFileSync(`/proc/${c}/comm`, "utf8").trim() === "sshd";
            } catch {
              return false;
            }
          }) ?? 0;
        systemdPids.set(name, pid1);
      }
      sshds.set(name, child);
      await waitForPort(address, 22, 10000);
      hosts.push({
        name,
        netns,
        address,
        port: 22,
        hostKey: hostKey.publicLine,
        hostKeyFingerprint: fingerprintOf(hostKey.publicLine),
        veth,
        sshdLog,
        sshdPid: listenerPid,
      });
    }

    return {
      hosts,
      dir,
      clientPrivateKey: readFileSync(client.privatePath, "utf8"),
      killSessions(host) {
        const children = childPids(host.sshdPid());
        for (const c of children) tryRun("kill", ["-9", String(c)]);
        return children.length;
      },
      inHost(host, argv) {
        const pid1 = systemdPids.get(host.name);
        if (!pid1) throw new Error(`${host.name} is not a systemd test host`);
        return run("nsenter", ["-t", String(pid1), "-a", "-r", "-w", ...argv]);
      },
      setLinkUp(host, up) {
        run("ip", ["link", "set", host.veth, up ? "up" : "down"]);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
