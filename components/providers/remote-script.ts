// RemoteScript: a one-shot shell script on a host over SSH (the host's preparation: service user, directories).
// create runs `create`; an update runs it again when the script or its trigger changed (so it must be idempotent);
// delete runs `delete`, if any. It has nothing to read back: read() returns the stored state, so a refresh never
// reports it. It replaces @pulumi/command's remote.Command, whose provider plugin cannot be built here (its Go
// module is not served by the module proxy), and shares the SSH transport and host-key pinning of the other
// providers.
//
// Serialized into state like remote-file.ts (see its header). Bump PROVIDER_VERSION when the logic changes.
import * as pulumi from "@pulumi/pulumi";
import { exec, type SshConnection, sshName, withSsh } from "./ssh-transport.js";

export const REMOTE_SCRIPT_PROVIDER_VERSION = "1";

export interface RemoteScriptInputs {
  connection: SshConnection;
  /** sh script run on create and on every update. */
  create: string;
  /** sh script run on delete (nothing when absent). */
  delete?: string;
  /** Changing it re-runs `create`. */
  trigger?: string;
  providerVersion?: string;
}

export type RemoteScriptOutputs = RemoteScriptInputs;

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

async function runScript(c: SshConnection, what: string, script: string): Promise<void> {
  const res = await withSsh(c, (client) => exec(client, c, "sh -s", Buffer.from(script, "utf8")));
  if (res.code !== 0) throw new Error(`ssh ${sshName(c)}: the ${what} script exited ${res.code}: ${res.stderr.trim()}`);
}

/** The provider's methods with the exact shapes they return (the SDK's interface makes every field optional). */
export interface RemoteScriptProvider {
  check(
    olds: RemoteScriptInputs,
    news: RemoteScriptInputs,
  ): Promise<{ inputs: RemoteScriptInputs; failures: pulumi.dynamic.CheckFailure[] }>;
  diff(
    id: string,
    olds: RemoteScriptOutputs,
    news: RemoteScriptInputs,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: RemoteScriptInputs): Promise<{ id: string; outs: RemoteScriptOutputs }>;
  read(id: string, props?: RemoteScriptOutputs): Promise<{ id: string; props: RemoteScriptOutputs }>;
  update(id: string, olds: RemoteScriptOutputs, news: RemoteScriptInputs): Promise<{ outs: RemoteScriptOutputs }>;
  delete(id: string, props: RemoteScriptOutputs): Promise<void>;
}

export const remoteScriptProvider: RemoteScriptProvider = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.create !== UNKNOWN && (typeof news.create !== "string" || news.create.trim() === ""))
      failures.push({ property: "create", reason: "expected a non-empty sh script" });
    if (news.delete !== undefined && news.delete !== UNKNOWN && typeof news.delete !== "string")
      failures.push({ property: "delete", reason: "expected a sh script" });
    const conn = news.connection as SshConnection | string | undefined;
    if (conn !== UNKNOWN && (typeof conn !== "object" || conn === null || !conn.host || !conn.hostKey))
      failures.push({
        property: "connection",
        reason: "expected { host, hostKey, privateKey, ... } with a pinned hostKey",
      });
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    const c = news.connection as SshConnection | string;
    const replaces: string[] = [];
    if (
      typeof c === "object" &&
      c !== null &&
      (c.host !== olds.connection.host || (c.port ?? 22) !== (olds.connection.port ?? 22))
    )
      replaces.push("connection");
    const changed =
      news.create !== olds.create ||
      (news.delete ?? "") !== (olds.delete ?? "") ||
      (news.trigger ?? "") !== (olds.trigger ?? "") ||
      (news.providerVersion ?? "") !== (olds.providerVersion ?? "");
    return { changes: replaces.length > 0 || changed, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    await runScript(inputs.connection, "create", inputs.create);
    return { id: `${inputs.connection.host}:script`, outs: inputs };
  },

  async read(id, props) {
    if (!props) throw new Error(`RemoteScript ${id}: read needs the stored state; import is not supported`);
    return { id, props };
  },

  async update(_id, olds, news) {
    // Only the delete script (or the provider version) changed: nothing to run on the host.
    if (news.create !== olds.create || (news.trigger ?? "") !== (olds.trigger ?? ""))
      await runScript(news.connection, "create", news.create);
    return { outs: news };
  },

  async delete(_id, props) {
    if (props.delete) await runScript(props.connection, "delete", props.delete);
  },
};

export interface RemoteScriptArgs {
  connection: pulumi.Input<SshConnection>;
  create: pulumi.Input<string>;
  delete?: pulumi.Input<string>;
  trigger?: pulumi.Input<string>;
}

export class RemoteScript extends pulumi.dynamic.Resource {
  constructor(name: string, args: RemoteScriptArgs, opts?: pulumi.CustomResourceOptions) {
    const provider: pulumi.dynamic.ResourceProvider<RemoteScriptInputs, RemoteScriptOutputs> = remoteScriptProvider;
    super(
      provider,
      name,
      { ...args, connection: pulumi.secret(args.connection), providerVersion: REMOTE_SCRIPT_PROVIDER_VERSION },
      { ...opts, additionalSecretOutputs: ["connection", ...(opts?.additionalSecretOutputs ?? [])] },
      "sealfarm",
      "RemoteScript",
    );
  }
}
