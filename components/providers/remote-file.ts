// RemoteFile: one file on a host, written over SSH, whose read() hashes what is really there, so
// `pulumi preview --refresh` shows a file someone edited by hand.
//
// The provider object is serialized into every resource's state (`__provider`) and run later by the engine's
// dynamic-provider process (plain node, no TypeScript loader), so it may only reach Node built-ins (default imports,
// which the serializer emits as `require`), real packages and module functions, which are copied by value: the SSH
// transport (ssh-transport.ts) travels that way. Never capture config, Outputs or secrets.
// Bump PROVIDER_VERSION whenever the logic changes: refresh and delete run the code stored in state.
//
// Write path: the content streams into a temp file next to the target, its sha256 is checked on the host, then
// owner, mode and fsync, then rename(2) onto the path. A connection cut at any instant leaves the old file whole.
import type * as pulumi from "@pulumi/pulumi";
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
import { execChecked, type SshConnection, withSsh } from "./ssh-transport.js";

export type { SshConnection } from "./ssh-transport.js";

export const REMOTE_FILE_PROVIDER_VERSION = "1";

export interface RemoteFileInputs {
  connection: SshConnection;
  /** Absolute path on the host. */
  path: string;
  content: string;
  /** Octal, for example "0644". */
  mode?: string;
  owner?: string;
  group?: string;
  providerVersion?: string;
}

export interface RemoteFileOutputs {
  connection: SshConnection;
  path: string;
  /** sha256 of the content: desired after create/update, what is really on the host after read. */
  sha256: string;
  mode: string;
  owner: string;
  group: string;
  providerVersion: string;
}

function normalizeMode(mode: string | undefined): string {
  const m = (mode ?? "0644").replace(/^0o/, "");
  return m.padStart(4, "0").slice(-4);
}

/** The write script: temp file, hash check, owner, mode, fsync, rename. */
function writeScript(path: string, sha256: string, mode: string, owner: string, group: string): string {
  return atomicWriteScript(path, sha256, [
    `chown -- ${shellQuote(`${owner}:${group}`)} "$tmp"`,
    `chmod ${shellQuote(mode)} "$tmp"`,
  ]);
}

function inspectScript(path: string): string {
  return `if [ -f ${shellQuote(path)} ]; then stat -c '%a %U %G' -- ${shellQuote(path)} && sha256sum < ${shellQuote(path)}; else echo MISSING; fi`;
}

interface LiveFile {
  sha256: string;
  mode: string;
  owner: string;
  group: string;
}

function parseInspect(stdout: string): LiveFile | undefined {
  const lines = stdout.trim().split("\n");
  if (lines[0] === "MISSING") return undefined;
  const [mode, owner, group] = (lines[0] ?? "").split(" ");
  const sha256 = (lines[1] ?? "").split(" ")[0] ?? "";
  if (!mode || !owner || !group || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new Error(`unexpected output from stat/sha256sum: ${JSON.stringify(stdout)}`);
  }
  return { sha256, mode: normalizeMode(mode), owner, group };
}

async function writeFile(inputs: RemoteFileInputs): Promise<RemoteFileOutputs> {
  const c = inputs.connection;
  const sha256 = sha256Hex(inputs.content);
  const mode = normalizeMode(inputs.mode);
  const owner = inputs.owner ?? "root";
  const group = inputs.group ?? owner;
  await withSsh(c, (client) =>
    execChecked(
      client,
      c,
      `writing ${inputs.path}`,
      writeScript(inputs.path, sha256, mode, owner, group),
      Buffer.from(inputs.content, "utf8"),
    ),
  );
  return {
    connection: c,
    path: inputs.path,
    sha256,
    mode,
    owner,
    group,
    providerVersion: inputs.providerVersion ?? "",
  };
}

function checkInputs(news: RemoteFileInputs): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const known = (v: unknown) => v !== UNKNOWN && v !== undefined;
  if (known(news.path) && (typeof news.path !== "string" || !news.path.startsWith("/") || news.path.endsWith("/")))
    failures.push({ property: "path", reason: `expected an absolute file path, got ${JSON.stringify(news.path)}` });
  if (known(news.mode) && !/^(0o)?[0-7]{3,4}$/.test(String(news.mode)))
    failures.push({ property: "mode", reason: `expected an octal mode like "0644", got ${JSON.stringify(news.mode)}` });
  for (const k of ["owner", "group"] as const) {
    const v = news[k];
    if (known(v) && !/^[a-z_][a-z0-9_-]*\$?$/i.test(String(v)))
      failures.push({ property: k, reason: `expected a user or group name, got ${JSON.stringify(v)}` });
  }
  if (news.content !== UNKNOWN && typeof news.content !== "string")
    failures.push({ property: "content", reason: "expected a string" });
  return [...failures, ...connectionFailures(news.connection)];
}

/** Why the host differs from what is wanted; empty when it does not. */
export function remoteFileDrift(olds: RemoteFileOutputs, news: RemoteFileInputs): string[] {
  const reasons: string[] = [];
  // Unknown at preview (computed from another resource's output): it may change, so say so.
  if (news.content === UNKNOWN) reasons.push("content unknown until apply");
  else if (olds.sha256 !== sha256Hex(news.content))
    reasons.push(`content sha256 ${olds.sha256 || "(none)"}, want ${sha256Hex(news.content)}`);
  if (olds.mode !== normalizeMode(news.mode)) reasons.push(`mode ${olds.mode}, want ${normalizeMode(news.mode)}`);
  const owner = news.owner ?? "root";
  const group = news.group ?? owner;
  if (olds.owner !== owner || olds.group !== group)
    reasons.push(`owner ${olds.owner}:${olds.group}, want ${owner}:${group}`);
  if ((olds.providerVersion ?? "") !== (news.providerVersion ?? ""))
    reasons.push(`provider version ${olds.providerVersion}, want ${news.providerVersion}`);
  return reasons;
}

export type RemoteFileProvider = TypedDynamicProvider<RemoteFileInputs, RemoteFileOutputs>;

export const remoteFileProvider: RemoteFileProvider = {
  async check(_olds, news) {
    return { inputs: news, failures: checkInputs(news) };
  },

  async diff(_id, olds, news) {
    const replaces: string[] = [];
    if (news.path !== olds.path) replaces.push("path");
    if (connectionMoved(news.connection, olds.connection)) replaces.push("connection");
    const drift = remoteFileDrift(olds, news);
    return {
      changes: replaces.length > 0 || drift.length > 0,
      replaces,
      deleteBeforeReplace: false,
    };
  },

  async create(inputs) {
    const outs = await writeFile(inputs);
    return { id: `${inputs.connection.host}:${inputs.path}`, outs };
  },

  async read(id, props) {
    const stored = storedState("RemoteFile", id, props);
    const c = stored.connection;
    const res = await withSsh(c, (client) =>
      execChecked(client, c, `inspecting ${stored.path}`, inspectScript(stored.path)),
    );
    const live = parseInspect(res.stdout);
    if (!live) return { id: "", props: stored };
    return { id, props: { ...stored, ...live } };
  },

  async update(_id, _olds, news) {
    return { outs: await writeFile(news) };
  },

  async delete(_id, props) {
    const c = props.connection;
    await withSsh(c, (client) =>
      execChecked(client, c, `removing ${props.path}`, `rm -f -- ${shellQuote(props.path)}`),
    );
  },
};

export type RemoteFileArgs = SshResourceArgs<RemoteFileInputs>;

export class RemoteFile extends SshResource {
  declare readonly path: pulumi.Output<string>;
  declare readonly sha256: pulumi.Output<string>;
  declare readonly mode: pulumi.Output<string>;
  declare readonly owner: pulumi.Output<string>;

  constructor(name: string, args: RemoteFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(remoteFileProvider, "RemoteFile", name, args, REMOTE_FILE_PROVIDER_VERSION, ["sha256"], opts);
  }
}
