// RemoteScript: a one-shot shell script on a host over SSH (the host's preparation: service user, directories).
// create runs `create`; an update runs it again when the script or its trigger changed (so it must be idempotent);
// delete runs `delete`, if any. It has nothing to read back: read() returns the stored state, so a refresh never
// reports it. It replaces @pulumi/command's remote.Command, whose provider plugin cannot be built here (its Go
// module is not served by the module proxy), and shares the SSH transport and host-key pinning of the other
// providers.
//
// Serialized into state like remote-file.ts (see its header). Bump PROVIDER_VERSION when the logic changes.
import type * as pulumi from "@pulumi/pulumi";
import {
  connectionFailures,
  connectionMoved,
  storedState,
  type TypedDynamicProvider,
  UNKNOWN,
} from "./dynamic-provider.js";
import { SshResource, type SshResourceArgs } from "./ssh-resource.js";
import { execChecked, type SshConnection, withSsh } from "./ssh-transport.js";

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

async function runScript(c: SshConnection, what: string, script: string): Promise<void> {
  await withSsh(c, (client) => execChecked(client, c, `the ${what} script`, "sh -s", Buffer.from(script, "utf8")));
}

export type RemoteScriptProvider = TypedDynamicProvider<RemoteScriptInputs, RemoteScriptOutputs>;

export const remoteScriptProvider: RemoteScriptProvider = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.create !== UNKNOWN && (typeof news.create !== "string" || news.create.trim() === ""))
      failures.push({ property: "create", reason: "expected a non-empty sh script" });
    if (news.delete !== undefined && news.delete !== UNKNOWN && typeof news.delete !== "string")
      failures.push({ property: "delete", reason: "expected a sh script" });
    return { inputs: news, failures: [...failures, ...connectionFailures(news.connection)] };
  },

  async diff(_id, olds, news) {
    const replaces = connectionMoved(news.connection, olds.connection) ? ["connection"] : [];
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
    return { id, props: storedState("RemoteScript", id, props) };
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

export type RemoteScriptArgs = SshResourceArgs<RemoteScriptInputs>;

export class RemoteScript extends SshResource {
  constructor(name: string, args: RemoteScriptArgs, opts?: pulumi.CustomResourceOptions) {
    super(remoteScriptProvider, "RemoteScript", name, args, REMOTE_SCRIPT_PROVIDER_VERSION, [], opts);
  }
}
