// What every host component starts with, manager or worker: the SSH connection as a secret, the one-shot
// preparation (service user and directories; RemoteScript, undone on destroy) and the release. Children keep their host-derived names
// (<host>-prepare, <host>-release), so moving them here changed no URN.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { shellQuote } from "./core/shell/shell-quote.js";
import { RemoteRelease } from "./providers/release.js";
import { RemoteScript } from "./providers/remote-script.js";
import type { SshConnection } from "./providers/ssh-transport.js";

/** How to reach a host, without the private key (which only ever travels inside a Pulumi secret). */
export type HostConnection = Omit<SshConnection, "privateKey">;

/** A built release, as plain values (see components/release/build-release.ts). */
export interface ReleaseRef {
  readonly hash: string;
  readonly archivePath: string;
  readonly archiveSha256: string;
}

/**
 * A service's restart trigger: the sha256 of everything it runs with (unit, config files, release), length-prefixed
 * so that moving bytes between parts changes it. Two services on one farm share a part only if they share an input.
 */
export function serviceTrigger(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:`).update(p);
  return h.digest("hex");
}

/**
 * The one-shot preparation: a system user for the services and their directories, owned by it. Idempotent, so a
 * re-run (after a change of the directory list) only adds what is missing.
 */
export function prepareHostScript(user: string, ownedDirs: readonly string[], rootDirs: readonly string[]): string {
  const lines = [
    "set -e",
    // Two preparations may run at once on a shared machine (manager and worker): a lost useradd race is fine.
    `id -u ${shellQuote(user)} >/dev/null 2>&1 || useradd --system --user-group --home-dir /var/lib/sealfarm --no-create-home --shell /usr/sbin/nologin ${shellQuote(user)} || id -u ${shellQuote(user)} >/dev/null`,
  ];
  for (const d of [...new Set(rootDirs)].sort()) lines.push(`install -d -m 0755 -o root -g root ${shellQuote(d)}`);
  for (const d of [...new Set(ownedDirs)].sort())
    lines.push(`install -d -m 0750 -o ${shellQuote(user)} -g ${shellQuote(user)} ${shellQuote(d)}`);
  return `${lines.join("\n")}\n`;
}

/**
 * The preparation undone (run by `pulumi destroy`, after every file, unit and release on the host is gone): the
 * directories, with everything in them, then their parents up to the first one that is not empty. Mount points stay. The service user
 * stays: a shared machine's other preparation may still own files with it.
 */
export function unprepareHostScript(ownedDirs: readonly string[], rootDirs: readonly string[]): string {
  const dirs = [...new Set([...ownedDirs, ...rootDirs])].sort();
  const lines = ["set -e"];
  // A directory that is a mount point (a persist store on shared storage) is the operator's: it stays, with the
  // sealed sectors in it.
  for (const d of dirs) lines.push(`mountpoint -q -- ${shellQuote(d)} || rm -rf -- ${shellQuote(d)}`);
  for (const d of dirs) {
    const parent = d.replace(/\/[^/]+\/?$/, "");
    if (parent && parent !== "/")
      lines.push(`rmdir --ignore-fail-on-non-empty -p -- ${shellQuote(parent)} 2>/dev/null || true`);
  }
  return `${lines.join("\n")}\n`;
}

export interface HostFoundationArgs {
  readonly connection: HostConnection;
  readonly sshPrivateKey: pulumi.Input<string>;
  readonly release: ReleaseRef;
}

export interface HostFoundation {
  /** The connection for our providers, private key included: a secret wherever it goes. */
  readonly connection: pulumi.Output<SshConnection>;
  readonly prepare: RemoteScript;
  readonly release: RemoteRelease;
}

/** Creates `<host>-prepare` and `<host>-release` under `parent`; the release waits for the preparation. */
export function createHostFoundation(
  parent: pulumi.Resource,
  hostName: string,
  args: HostFoundationArgs,
  prepareScript: string,
  unprepareScript: string,
): HostFoundation {
  const connection = pulumi.secret(
    pulumi.output(args.sshPrivateKey).apply((privateKey): SshConnection => ({ ...args.connection, privateKey })),
  );
  const prepare = new RemoteScript(
    `${hostName}-prepare`,
    { connection, create: prepareScript, delete: unprepareScript, trigger: serviceTrigger([prepareScript]) },
    { parent },
  );
  const release = new RemoteRelease(
    `${hostName}-release`,
    { connection, ...args.release },
    { parent, dependsOn: [prepare] },
  );
  return { connection, prepare, release };
}
