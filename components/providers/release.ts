import fs from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import type ssh2 from "ssh2";
import { shellQuote } from "../core/shell/shell-quote.js";
import {
  connectionFailures,
  connectionMoved,
  receiveCheckedLines,
  storedState,
  type TypedDynamicProvider,
  UNKNOWN,
} from "./dynamic-provider.js";
import { SshResource, type SshResourceArgs } from "./ssh-resource.js";
import { execChecked, type SshConnection, withSsh } from "./ssh-transport.js";

export const RELEASE_PROVIDER_VERSION = "2";

export interface RemoteReleaseInputs {
  connection: SshConnection;
  /** Install root on the host (default /opt/sealfarm). */
  root?: string;
  /** The release's content hash (sha256 of its MANIFEST). */
  hash: string;
  /** The archive on the machine running Pulumi, and its sha256 (checked on the host after upload). */
  archivePath: string;
  archiveSha256: string;
  /** How many releases to keep on the host, the current one included (default 3). */
  keep?: number;
  providerVersion?: string;
}

export interface RemoteReleaseOutputs {
  connection: SshConnection;
  root: string;
  hash: string;
  archiveSha256: string;
  keep: number;
  /** The hash `current` points to on the host ("" if none). */
  current: string;
  /** Whether releases/<hash> is complete and every file matches the manifest. */
  intact: boolean;
  /** The releases present on the host, newest first. */
  installed: string[];
  providerVersion: string;
}

function rootOf(inputs: { root?: string }): string {
  return (inputs.root ?? "/opt/sealfarm").replace(/\/+$/, "") || "/";
}

/** A shell function: verify DIR HASH succeeds when the manifest hashes to HASH and every file matches it. */
const VERIFY_FN = [
  "verify() (",
  '  cd -- "$1" 2>/dev/null || exit 1',
  "  [ -f .complete ] && [ -f MANIFEST ] || exit 1",
  `  [ "$(sha256sum < MANIFEST | cut -d' ' -f1)" = "$2" ] || exit 1`,
  "  awk '{print $2\"  \"$3}' MANIFEST | sha256sum -c --quiet --strict - >/dev/null 2>&1 || exit 1",
  // Every manifest entry must exist with its mode (find prints 755, the manifest 0755); one process, no fork per file.
  "  find . -type f -printf '%m %P\\n' | awk 'NR == FNR { m = $1; sub(/^0+/, \"\", m); want[$3] = m; next }" +
    " ($2 in want) { if (want[$2] != $1) bad = 1; seen[$2] = 1 }" +
    " END { for (p in want) if (!(p in seen)) bad = 1; exit bad }' MANIFEST - || exit 1",
  ")",
].join("\n");

function statusScript(root: string, hash: string): string {
  return [
    VERIFY_FN,
    `cur=$(readlink -- ${shellQuote(`${root}/current`)} 2>/dev/null || true)`,
    `echo "current=\${cur##*/}"`,
    `if verify ${shellQuote(`${root}/releases/${hash}`)} ${shellQuote(hash)}; then echo intact=yes; else echo intact=no; fi`,
    `echo "installed=$(ls -1t -- ${shellQuote(`${root}/releases`)} 2>/dev/null | grep -E '^[0-9a-f]{64}$' | tr '\\n' ' ')"`,
  ].join("\n");
}

interface LiveRelease {
  current: string;
  intact: boolean;
  installed: string[];
}

function parseStatus(stdout: string): LiveRelease {
  const kv = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  if (!kv.has("current") || !kv.has("intact")) throw new Error(`unexpected status output: ${JSON.stringify(stdout)}`);
  return {
    current: kv.get("current") ?? "",
    intact: kv.get("intact") === "yes",
    installed: (kv.get("installed") ?? "").split(" ").filter(Boolean),
  };
}

/**
 * Serializes installs on one host (a manager and a worker may share a machine and its release root): fd 9 holds an
 * flock on <root>/.release.lock until the script ends, also when its session is cut.
 */
function lockScript(root: string): string {
  return [
    `mkdir -p -- ${shellQuote(`${root}/releases`)}`,
    `exec 9> ${shellQuote(`${root}/.release.lock`)}`,
    `flock -w 600 9 || { echo "timed out waiting for another release install on this host" >&2; exit 5; }`,
  ].join("\n");
}

function uploadScript(root: string, hash: string, archiveSha256: string): string {
  const rel = shellQuote(`${root}/releases`);
  return [
    "set -e",
    VERIFY_FN,
    `mkdir -p -- ${rel}`,
    lockScript(root),
    // Leftovers of cut uploads go (under the lock, no other install on this host is using them).
    `rm -rf -- ${rel}/.upload-* ${rel}/.unpack-*`,
    `tmp=${rel}/.upload-$$.tar.gz`,
    ...receiveCheckedLines(archiveSha256, "archive "),
    `un=${rel}/.unpack-$$`,
    `mkdir -- "$un"`,
    `tar -xzf "$tmp" -C "$un" --no-same-owner`,
    // Services run as their own user: the release must be traversable whatever the archive said about "./".
    `chmod 0755 "$un"`,
    `rm -f -- "$tmp"`,
    `touch -- "$un/.complete"`,
    `if ! verify "$un" ${shellQuote(hash)}; then rm -rf -- "$un"; echo "unpacked release does not match its manifest or hash ${hash}" >&2; exit 4; fi`,
    // fsync just these files and directories (a bare `sync` would flush the whole machine).
    `find "$un" -exec sync -- {} +`,
    // Another install of the same release may have finished first: keep a verified copy, replace a broken one.
    `if verify ${rel}/${shellQuote(hash)} ${shellQuote(hash)}; then rm -rf -- "$un"; else rm -rf -- ${rel}/${shellQuote(hash)}; mv -T -- "$un" ${rel}/${shellQuote(hash)}; fi`,
    `sync -- ${rel}`,
  ].join("\n");
}

function switchScript(root: string, hash: string, keep: number): string {
  return [
    "set -e",
    lockScript(root),
    `cd -- ${shellQuote(root)}`,
    `touch -- releases/${shellQuote(hash)}`,
    `ln -sfn -- releases/${shellQuote(hash)} .current.tmp-$$`,
    `mv -T -- .current.tmp-$$ current`,
    "sync -- . releases",
    `ls -1t -- releases | grep -E '^[0-9a-f]{64}$' | tail -n +${keep + 1} | while read -r d; do`,
    `  if [ "$d" != ${shellQuote(hash)} ]; then rm -rf -- "releases/$d"; fi`,
    "done",
  ].join("\n");
}

async function status(client: ssh2.Client, c: SshConnection, root: string, hash: string): Promise<LiveRelease> {
  const res = await execChecked(client, c, `inspecting ${root}`, statusScript(root, hash));
  return parseStatus(res.stdout);
}

async function install(inputs: RemoteReleaseInputs): Promise<RemoteReleaseOutputs> {
  const c = inputs.connection;
  const root = rootOf(inputs);
  const keep = Math.max(1, inputs.keep ?? 3);
  return withSsh(c, async (client) => {
    const before = await status(client, c, root, inputs.hash);
    if (!before.intact) {
      const archive = fs.readFileSync(inputs.archivePath);
      const upload = uploadScript(root, inputs.hash, inputs.archiveSha256);
      await execChecked(client, c, `installing release ${inputs.hash}`, upload, archive);
    }
    await execChecked(client, c, `switching to release ${inputs.hash}`, switchScript(root, inputs.hash, keep));
    const after = await status(client, c, root, inputs.hash);
    return {
      connection: c,
      root,
      hash: inputs.hash,
      archiveSha256: inputs.archiveSha256,
      keep,
      ...after,
      providerVersion: inputs.providerVersion ?? "",
    };
  });
}

/** Why the host differs from what is wanted; empty when it does not. */
export function remoteReleaseDrift(olds: RemoteReleaseOutputs, news: RemoteReleaseInputs): string[] {
  const reasons: string[] = [];
  if (news.hash !== UNKNOWN && olds.current !== news.hash)
    reasons.push(`current is ${olds.current || "(none)"}, want ${news.hash}`);
  else if (!olds.intact) reasons.push(`release ${news.hash} is incomplete or its files differ from the manifest`);
  if (olds.keep !== Math.max(1, news.keep ?? 3)) reasons.push("keep changed");
  if ((olds.providerVersion ?? "") !== (news.providerVersion ?? "")) reasons.push("provider version changed");
  return reasons;
}

export type RemoteReleaseProvider = TypedDynamicProvider<RemoteReleaseInputs, RemoteReleaseOutputs>;

export const remoteReleaseProvider: RemoteReleaseProvider = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.hash !== UNKNOWN && !/^[0-9a-f]{64}$/.test(String(news.hash)))
      failures.push({ property: "hash", reason: `expected 64 hex digits, got ${JSON.stringify(news.hash)}` });
    if (news.archiveSha256 !== UNKNOWN && !/^[0-9a-f]{64}$/.test(String(news.archiveSha256)))
      failures.push({ property: "archiveSha256", reason: "expected 64 hex digits" });
    if (news.root !== undefined && news.root !== UNKNOWN && !/^\/[A-Za-z0-9._/-]*$/.test(String(news.root)))
      failures.push({ property: "root", reason: `expected an absolute path, got ${JSON.stringify(news.root)}` });
    if (news.keep !== undefined && (!Number.isInteger(news.keep) || news.keep < 1))
      failures.push({ property: "keep", reason: `expected an integer >= 1, got ${JSON.stringify(news.keep)}` });
    return { inputs: news, failures: [...failures, ...connectionFailures(news.connection)] };
  },

  async diff(_id, olds, news) {
    const replaces: string[] = [];
    if (news.root !== UNKNOWN && rootOf(news) !== olds.root) replaces.push("root");
    if (connectionMoved(news.connection, olds.connection)) replaces.push("connection");
    const drift = remoteReleaseDrift(olds, news);
    return { changes: replaces.length > 0 || drift.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = await install(inputs);
    return { id: `${inputs.connection.host}:${rootOf(inputs)}`, outs };
  },

  async read(id, props) {
    const stored = storedState("RemoteRelease", id, props);
    const c = stored.connection;
    const live = await withSsh(c, (client) => status(client, c, stored.root, stored.hash));
    if (live.current === "" && live.installed.length === 0) return { id: "", props: stored };
    return { id, props: { ...stored, ...live } };
  },

  async update(_id, _olds, news) {
    return { outs: await install(news) };
  },

  async delete(_id, props) {
    const c = props.connection;
    const script = [
      `cd -- ${shellQuote(props.root)} 2>/dev/null || exit 0`,
      `if [ "$(readlink current 2>/dev/null)" = ${shellQuote(`releases/${props.hash}`)} ]; then rm -f current; fi`,
      `rm -rf -- releases/${shellQuote(props.hash)}`,
      // Nothing is current any more (the release left this host): the kept older releases go too, then the root if
      // that left it empty, so a destroyed farm leaves no directory behind.
      "if [ ! -e current ] && [ ! -L current ]; then rm -rf -- releases .release.lock; cd / && rmdir -- " +
        `${shellQuote(props.root)} 2>/dev/null || true; fi`,
    ].join("\n");
    await withSsh(c, (client) => execChecked(client, c, `removing release ${props.hash}`, script));
  },
};

export type RemoteReleaseArgs = SshResourceArgs<RemoteReleaseInputs>;

export class RemoteRelease extends SshResource {
  declare readonly current: pulumi.Output<string>;
  declare readonly intact: pulumi.Output<boolean>;

  constructor(name: string, args: RemoteReleaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(remoteReleaseProvider, "RemoteRelease", name, args, RELEASE_PROVIDER_VERSION, ["current", "intact"], opts);
  }
}
