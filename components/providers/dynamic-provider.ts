// What the four SSH dynamic providers (remote-file.ts, release.ts, systemd-service.ts, remote-script.ts) have in
// common: the typed provider interface, the preview sentinel, the connection check and replacement rule, the
// content hash and the atomic upload script. The resource classes' common constructor is ssh-resource.ts.
//
// Serialization: like ssh-transport.ts, the functions here are copied by value into each provider's serialized
// text (`__provider`), so this file imports only Node built-ins (default imports) and, for types alone, Pulumi:
// `import type` leaves no `require("@pulumi/pulumi")` behind. It captures no config, Output or secret.
import crypto from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { shellQuote } from "../core/shell/shell-quote.js";
import type { SshConnection } from "./ssh-transport.js";

/**
 * A dynamic provider's methods with the exact shapes ours return (the SDK's `ResourceProvider` makes every field
 * optional and types inputs as `any`). Type-only: it shapes a plain object literal and serializes to nothing.
 */
export interface TypedDynamicProvider<I, O> {
  check(olds: I, news: I): Promise<{ inputs: I; failures: pulumi.dynamic.CheckFailure[] }>;
  diff(id: string, olds: O, news: I): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  read(id: string, props?: O): Promise<{ id: string; props: O }>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}

/** What an input unknown at preview (computed from another resource's output) arrives as (`runtime/rpc.js`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The check every provider makes of its connection: an object with a host and a pinned host key. */
export function connectionFailures(connection: unknown): pulumi.dynamic.CheckFailure[] {
  const conn = connection as SshConnection | string | undefined;
  if (conn !== UNKNOWN && (typeof conn !== "object" || conn === null || !conn.host || !conn.hostKey))
    return [{ property: "connection", reason: "expected { host, hostKey, privateKey, ... } with a pinned hostKey" }];
  return [];
}

/** The resource lives on another machine (host or port changed): replace it. Unknown at preview: not yet known. */
export function connectionMoved(news: SshConnection | string, olds: SshConnection): boolean {
  return (
    typeof news === "object" && news !== null && (news.host !== olds.host || (news.port ?? 22) !== (olds.port ?? 22))
  );
}

/** Dynamic resources cannot be imported (pulumi/pulumi#16175): read only ever refreshes known state. */
export function storedState<O>(kind: string, id: string, props: O | undefined): O {
  if (!props) throw new Error(`${kind} ${id}: read needs the stored state; import is not supported`);
  return props;
}

export function sha256Hex(s: string): string {
  return crypto.createHash("sha256").update(s, "utf8").digest("hex");
}

/**
 * Script lines that receive stdin into `$tmp` (already set) and refuse it unless it hashes to `sha256`: a cut
 * upload never reaches the target.
 */
export function receiveCheckedLines(sha256: string, what: string): string[] {
  return [
    `cat > "$tmp"`,
    `got=$(sha256sum < "$tmp" | cut -d' ' -f1)`,
    `if [ "$got" != ${shellQuote(sha256)} ]; then rm -f -- "$tmp"; echo "upload incomplete: ${what}sha256 $got, expected ${sha256}" >&2; exit 3; fi`,
  ];
}

/**
 * Writes stdin to `path` atomically: a temp file next to it (stale ones from cut runs go first), hash check, the
 * `prepare` lines (owner, mode) on "$tmp", fsync, rename(2). A connection cut at any instant leaves the old file
 * whole.
 */
export function atomicWriteScript(path: string, sha256: string, prepare: string[]): string {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash) || "/";
  const tmpGlob = `${shellQuote(dir)}/.${shellQuote(path.slice(slash + 1))}.sealfarm-tmp-`;
  return [
    "set -e",
    `mkdir -p -- ${shellQuote(dir)}`,
    `rm -f -- ${tmpGlob}*`,
    `tmp=${tmpGlob}$$`,
    ...receiveCheckedLines(sha256, ""),
    ...prepare,
    `sync -- "$tmp"`,
    `mv -f -- "$tmp" ${shellQuote(path)}`,
  ].join("\n");
}
