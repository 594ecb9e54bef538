// SystemdService: a systemd unit on a host, installed over SSH, reloaded, enabled and started; restarted only when
// its restart trigger (the hash of the service's own inputs: unit, config, release) changes. read() reports the
// installed unit's sha256 and whether the unit is enabled and active, so a hand-edited unit or a stopped service
// shows up in `pulumi preview --refresh`.
//
// Serialized into state like remote-file.ts (see its header): Node built-ins by default import, real packages and
// the shared SSH transport (ssh-transport.ts), copied by value. Bump PROVIDER_VERSION when the logic changes.
import type * as pulumi from "@pulumi/pulumi";
import type ssh2 from "ssh2";
import { shellQuote } from "../core/shell/shell-quote.js";
import {
  atomicWriteScript,
  connectionFailures,
  connectionMoved,
  sha256Hex,
  storedState,
  type TypedDynamicProvider,
  UNKNOWN,
} from "./dynamic-provider.js";
import { SshResource, type SshResourceArgs } from "./ssh-resource.js";
import { exec, execChecked, type SshConnection, sshName, withSsh } from "./ssh-transport.js";

export const SYSTEMD_SERVICE_PROVIDER_VERSION = "1";

export interface SystemdServiceInputs {
  connection: SshConnection;
  /** Unit name, for example "sealfarm-worker.service". */
  name: string;
  /** The unit file's text. */
  unit: string;
  /** Directory for the unit file (default /etc/systemd/system). */
  unitDir?: string;
  enabled?: boolean;
  active?: boolean;
  /** Changing it restarts the service: the hash of everything the service runs with. */
  restartTrigger?: string;
  providerVersion?: string;
}

export interface SystemdServiceOutputs {
  connection: SshConnection;
  name: string;
  unitDir: string;
  /** sha256 of the unit file: desired after create/update, what is on the host after read ("" if missing). */
  unitSha256: string;
  /** `systemctl is-enabled` / `is-active` as the host answered. */
  enabledState: string;
  activeState: string;
  enabled: boolean;
  active: boolean;
  restartTrigger: string;
  providerVersion: string;
}

function unitPath(inputs: { unitDir?: string; name: string }): string {
  return `${inputs.unitDir ?? "/etc/systemd/system"}/${inputs.name}`;
}

function inspectScript(path: string, name: string): string {
  return [
    `if [ -f ${shellQuote(path)} ]; then sha256sum < ${shellQuote(path)} | cut -d' ' -f1; else echo MISSING; fi`,
    `systemctl is-enabled ${shellQuote(name)} 2>/dev/null || true`,
    `systemctl is-active ${shellQuote(name)} 2>/dev/null || true`,
  ].join("\n");
}

interface LiveService {
  unitSha256: string;
  enabledState: string;
  activeState: string;
}

function parseInspect(stdout: string): LiveService {
  const [sha = "", enabled = "", active = ""] = stdout.trim().split("\n");
  return {
    unitSha256: sha === "MISSING" ? "" : sha,
    enabledState: enabled.trim() || "unknown",
    activeState: active.trim() || "unknown",
  };
}

async function systemctl(client: ssh2.Client, c: SshConnection, args: string[]): Promise<void> {
  const res = await exec(client, c, `systemctl ${args.map(shellQuote).join(" ")}`);
  if (res.code !== 0) {
    const name = args[args.length - 1] ?? "";
    const status = await exec(client, c, `systemctl status --no-pager --lines=10 ${shellQuote(name)} 2>&1 || true`);
    throw new Error(
      `ssh ${sshName(c)}: systemctl ${args.join(" ")} failed (exit ${res.code}): ${res.stderr.trim()}\n${status.stdout.trim()}`,
    );
  }
}

async function inspect(client: ssh2.Client, c: SshConnection, inputs: { unitDir?: string; name: string }) {
  const res = await execChecked(client, c, `inspecting ${inputs.name}`, inspectScript(unitPath(inputs), inputs.name));
  return parseInspect(res.stdout);
}

/**
 * Brings the host to the wanted state. `previous` is what the last run left (undefined on create): the unit is
 * rewritten and reloaded only when its hash differs, and the service restarts only when the unit or the restart
 * trigger changed; otherwise `start` is a no-op for a running service and repairs a stopped one.
 */
async function converge(news: SystemdServiceInputs, previous?: SystemdServiceOutputs): Promise<SystemdServiceOutputs> {
  const c = news.connection;
  const wantSha = sha256Hex(news.unit);
  const enabled = news.enabled ?? true;
  const active = news.active ?? true;
  const trigger = news.restartTrigger ?? "";
  return withSsh(c, async (client) => {
    const before = await inspect(client, c, news);
    const unitChanged = before.unitSha256 !== wantSha;
    if (unitChanged) {
      // Atomic install of the unit file: temp file, hash check, fsync, rename.
      const install = atomicWriteScript(unitPath(news), wantSha, [`chmod 0644 "$tmp"`]);
      await execChecked(client, c, `installing ${news.name}`, install, Buffer.from(news.unit, "utf8"));
      await systemctl(client, c, ["daemon-reload"]);
    }
    if (enabled && before.enabledState !== "enabled") await systemctl(client, c, ["enable", news.name]);
    if (!enabled && before.enabledState === "enabled") await systemctl(client, c, ["disable", news.name]);
    const triggered = previous !== undefined && previous.restartTrigger !== trigger;
    // A unit that hit its start limit refuses `start` until its failed state is cleared.
    if (active && before.activeState === "failed")
      await exec(client, c, `systemctl reset-failed ${shellQuote(news.name)} 2>/dev/null || true`);
    if (active && (unitChanged || triggered) && before.activeState === "active")
      await systemctl(client, c, ["restart", news.name]);
    else if (active) await systemctl(client, c, ["start", news.name]);
    else await systemctl(client, c, ["stop", news.name]);
    const after = await inspect(client, c, news);
    return {
      connection: c,
      name: news.name,
      unitDir: news.unitDir ?? "/etc/systemd/system",
      ...after,
      enabled: after.enabledState === "enabled",
      active: after.activeState === "active",
      restartTrigger: trigger,
      providerVersion: news.providerVersion ?? "",
    };
  });
}

/** Why the host differs from what is wanted; empty when it does not. */
export function systemdServiceDrift(olds: SystemdServiceOutputs, news: SystemdServiceInputs): string[] {
  const reasons: string[] = [];
  if (news.unit !== UNKNOWN && olds.unitSha256 !== sha256Hex(news.unit))
    reasons.push(`unit sha256 ${olds.unitSha256 || "(missing)"}, want ${sha256Hex(news.unit)}`);
  if (olds.enabled !== (news.enabled ?? true)) reasons.push(`is-enabled ${olds.enabledState}`);
  if (olds.active !== (news.active ?? true)) reasons.push(`is-active ${olds.activeState}`);
  if (olds.restartTrigger !== (news.restartTrigger ?? "")) reasons.push("restart trigger changed");
  if ((olds.providerVersion ?? "") !== (news.providerVersion ?? "")) reasons.push("provider version changed");
  return reasons;
}

export type SystemdServiceProvider = TypedDynamicProvider<SystemdServiceInputs, SystemdServiceOutputs>;

export const systemdServiceProvider: SystemdServiceProvider = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.name !== UNKNOWN && !/^[A-Za-z0-9:_.@-]+\.service$/.test(String(news.name)))
      failures.push({
        property: "name",
        reason: `expected a unit name like "x.service", got ${JSON.stringify(news.name)}`,
      });
    if (news.unit !== UNKNOWN && (typeof news.unit !== "string" || !/^\[Service\]$/m.test(news.unit)))
      failures.push({ property: "unit", reason: "expected unit file text with a [Service] section" });
    if (news.unitDir !== undefined && news.unitDir !== UNKNOWN && !String(news.unitDir).startsWith("/"))
      failures.push({
        property: "unitDir",
        reason: `expected an absolute directory, got ${JSON.stringify(news.unitDir)}`,
      });
    return { inputs: news, failures: [...failures, ...connectionFailures(news.connection)] };
  },

  async diff(_id, olds, news) {
    const replaces: string[] = [];
    if (news.name !== olds.name) replaces.push("name");
    if ((news.unitDir ?? "/etc/systemd/system") !== olds.unitDir) replaces.push("unitDir");
    if (connectionMoved(news.connection, olds.connection)) replaces.push("connection");
    const drift = systemdServiceDrift(olds, news);
    return { changes: replaces.length > 0 || drift.length > 0, replaces, deleteBeforeReplace: true };
  },

  async create(inputs) {
    const outs = await converge(inputs);
    return { id: `${inputs.connection.host}:${inputs.name}`, outs };
  },

  async read(id, props) {
    const stored = storedState("SystemdService", id, props);
    const c = stored.connection;
    const live = await withSsh(c, (client) => inspect(client, c, stored));
    if (live.unitSha256 === "" && live.activeState !== "active") return { id: "", props: stored };
    return {
      id,
      props: { ...stored, ...live, enabled: live.enabledState === "enabled", active: live.activeState === "active" },
    };
  },

  async update(_id, olds, news) {
    return { outs: await converge(news, olds) };
  },

  async delete(_id, props) {
    const c = props.connection;
    const script = [
      `systemctl disable --now ${shellQuote(props.name)} 2>/dev/null || true`,
      `rm -f -- ${shellQuote(unitPath(props))}`,
      "systemctl daemon-reload",
      `systemctl reset-failed ${shellQuote(props.name)} 2>/dev/null || true`,
    ].join("\n");
    await withSsh(c, (client) => execChecked(client, c, `removing ${props.name}`, script));
  },
};

export type SystemdServiceArgs = SshResourceArgs<SystemdServiceInputs>;

export class SystemdService extends SshResource {
  declare readonly unitSha256: pulumi.Output<string>;
  declare readonly enabledState: pulumi.Output<string>;
  declare readonly activeState: pulumi.Output<string>;

  constructor(name: string, args: SystemdServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      systemdServiceProvider,
      "SystemdService",
      name,
      args,
      SYSTEMD_SERVICE_PROVIDER_VERSION,
      ["unitSha256", "enabledState", "activeState"],
      opts,
    );
  }
}
