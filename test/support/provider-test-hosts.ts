// The test hosts a provider test drives over SSH, started once for its suite: network-namespace hosts with sshd
// (or systemd), a scratch directory the hosts see at the same path (they share this file system), and the
// connection a provider gets to reach one of them. Registers the suite's before/after hooks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import type { SshConnection } from "../../components/providers/ssh-transport.js";
import { startTestHosts, type TestHost, type TestHostKind, type TestHostSet } from "../hosts/netns-hosts.js";

export interface ProviderTestHosts {
  /** The started hosts (from the suite's before hook on). */
  readonly hosts: TestHostSet;
  /** The scratch directory, removed after the suite. */
  readonly work: string;
  host(index: number): TestHost;
  /** A pinned connection as root with the client key, few quick retries; `over` changes any field. */
  connection(h: TestHost, over?: Partial<SshConnection>): SshConnection;
}

export function providerTestHosts(count: number, kind: TestHostKind = "sshd"): ProviderTestHosts {
  let hosts: TestHostSet | undefined;
  let work: string | undefined;
  before(async () => {
    hosts = await startTestHosts(count, kind);
    work = mkdtempSync(join(tmpdir(), "sealfarm-provider-test-"));
  });
  after(async () => {
    await hosts?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });
  const started = (): TestHostSet => {
    if (hosts === undefined) throw new Error("the test hosts start in the suite's before hook");
    return hosts;
  };
  return {
    get hosts() {
      return started();
    },
    get work() {
      started();
      return work as string;
    },
    host: (index) => {
      const h = started().hosts[index];
      if (h === undefined) throw new Error(`test host ${index}: only ${count} started`);
      return h;
    },
    connection: (h, over = {}) => ({
      host: h.address,
      port: h.port,
      user: "root",
      hostKey: h.hostKey,
      privateKey: started().clientPrivateKey,
      connectAttempts: 2,
      retryBaseMs: 50,
      ...over,
    }),
  };
}
