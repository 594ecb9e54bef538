// RemoteFile's provider methods against real sshd on network-namespace test t.hosts. The namespaces share this
// machine's filesystem, so the test can look at (and tamper with) what the provider wrote, as an operator would.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  remoteFileProvider as p,
  REMOTE_FILE_PROVIDER_VERSION,
  type RemoteFileInputs,
  type RemoteFileOutputs,
  remoteFileDrift,
} from "../../../components/providers/remote-file.js";
import type { TestHost } from "../../hosts/netns-hosts.js";
import { cutMidUpload } from "../../support/cut-mid-upload.js";
import { providerTestHosts } from "../../support/provider-test-hosts.js";

const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

describe("RemoteFile provider against sshd test hosts", () => {
  const t = providerTestHosts(2);
  const conn = t.connection;
  const inputs = (h: TestHost, path: string, content: string, extra: Partial<RemoteFileInputs> = {}) => ({
    connection: conn(h),
    path,
    content,
    mode: "0640",
    owner: "nobody",
    group: "nogroup",
    providerVersion: REMOTE_FILE_PROVIDER_VERSION,
    ...extra,
  });
  const h1 = () => t.host(0);
  const h2 = () => t.host(1);

  test("create writes content, mode and owner; read reports what is on the host", async () => {
    const path = join(t.work, "h1", "etc", "worker.toml");
    const created = await p.create(inputs(h1(), path, "a = 1\n"));
    assert.equal(readFileSync(path, "utf8"), "a = 1\n");
    const st = statSync(path);
    assert.equal((st.mode & 0o7777).toString(8), "640");
    assert.equal(st.uid, 65534);
    assert.equal(created.outs.sha256, sha("a = 1\n"));
    assert.equal(created.outs.owner, "nobody");
    const read = await p.read(created.id, created.outs);
    assert.equal(read.id, created.id);
    assert.deepEqual(
      { sha256: read.props.sha256, mode: read.props.mode, owner: read.props.owner, group: read.props.group },
      { sha256: sha("a = 1\n"), mode: "0640", owner: "nobody", group: "nogroup" },
    );
    const diff = await p.diff(created.id, read.props, inputs(h1(), path, "a = 1\n"));
    assert.equal(diff.changes, false);
  });

  test("a file edited by hand is reported by read() and diff(); update puts it back", async () => {
    const path = join(t.work, "h1", "drift.toml");
    const want = inputs(h1(), path, "threads = 4\n");
    const created = await p.create(want);
    writeFileSync(path, "threads = 64\n");
    chmodSync(path, 0o666);
    const read = await p.read(created.id, created.outs);
    const live = read.props;
    assert.equal(live.sha256, sha("threads = 64\n"));
    assert.equal(live.mode, "0666");
    const diff = await p.diff(created.id, live, want);
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    const reasons = remoteFileDrift(live, want);
    assert.equal(reasons.length, 2);
    assert.match(reasons[0] ?? "", /content sha256/);
    assert.match(reasons[1] ?? "", /mode 0666, want 0640/);

    const updated = await p.update(created.id, live, want);
    assert.equal(updated.outs.sha256, sha("threads = 4\n"));
    assert.equal(readFileSync(path, "utf8"), "threads = 4\n");
    const again = await p.read(created.id, updated.outs);
    assert.equal((await p.diff(created.id, again.props, want)).changes, false);
  });

  test("a file deleted by hand reads as gone (blank id); delete is idempotent", async () => {
    const path = join(t.work, "h2", "gone.toml");
    const created = await p.create(inputs(h2(), path, "x\n"));
    rmSync(path);
    const read = await p.read(created.id, created.outs);
    assert.equal(read.id, "");
    await p.create(inputs(h2(), path, "x\n"));
    await p.delete(created.id, created.outs);
    assert.equal(existsSync(path), false);
    await p.delete(created.id, created.outs);
  });

  test("changing the path or the host replaces; changing the key alone does not", async () => {
    const path = join(t.work, "h1", "r.toml");
    const created = await p.create(inputs(h1(), path, "r\n"));
    const moved = await p.diff(created.id, created.outs, inputs(h1(), `${path}.new`, "r\n"));
    assert.deepEqual(moved.replaces, ["path"]);
    const otherHost = await p.diff(created.id, created.outs, inputs(h2(), path, "r\n"));
    assert.deepEqual(otherHost.replaces, ["connection"]);
    const rotated = inputs(h1(), path, "r\n", { connection: conn(h1(), { privateKey: "another key" }) });
    assert.equal((await p.diff(created.id, created.outs, rotated)).changes, false);
  });

  test("a connection cut mid-upload leaves the old file intact, and the next write succeeds", async () => {
    const path = join(t.work, "h1", "big.bin");
    await p.create(inputs(h1(), path, "old contents\n"));
    const big = "0123456789abcdef".repeat(4 * 1024 * 1024); // 64 MiB: long enough to cut in the middle
    const dir = join(t.work, "h1");
    // Wait until the temp file is partly written on the host, then cut the session.
    await cutMidUpload(
      t.hosts,
      h1(),
      dir,
      ".big.bin.sealfarm-tmp-",
      p.update(path, {} as RemoteFileOutputs, inputs(h1(), path, big)),
    );
    assert.equal(readFileSync(path, "utf8"), "old contents\n");

    const retried = await p.update(path, {} as RemoteFileOutputs, inputs(h1(), path, "new contents\n"));
    assert.equal(retried.outs.sha256, sha("new contents\n"));
    assert.equal(readFileSync(path, "utf8"), "new contents\n");
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes("sealfarm-tmp")),
      [],
    );
  });

  test("a changed host key is refused with both fingerprints, and nothing is written", async () => {
    const path = join(t.work, "h1", "refused.toml");
    const wrong = inputs(h1(), path, "x\n", { connection: conn(h1(), { hostKey: h2().hostKey }) });
    await assert.rejects(p.create(wrong), (err: Error) => {
      assert.match(err.message, /host key mismatch/);
      assert.ok(err.message.includes(h2().hostKeyFingerprint), "names the pinned fingerprint");
      assert.ok(err.message.includes(h1().hostKeyFingerprint), "names the presented fingerprint");
      assert.ok(err.message.includes(h1().address), "names the host");
      assert.ok(!err.message.includes("PRIVATE KEY"), "never shows the key");
      return true;
    });
    assert.equal(existsSync(path), false);
    const unpinned = inputs(h1(), path, "x\n", { connection: conn(h1(), { hostKey: "" }) });
    await assert.rejects(p.create(unpinned), /host key unknown: .*presented SHA256:/);
    const byFingerprint = inputs(h1(), path, "x\n", { connection: conn(h1(), { hostKey: h1().hostKeyFingerprint }) });
    await p.create(byFingerprint);
    assert.equal(readFileSync(path, "utf8"), "x\n");
  });

  test("connection failures retry with backoff and end in an error naming the host", async () => {
    const refused = inputs(h1(), join(t.work, "never"), "x\n", {
      connection: conn(h1(), { port: 2, connectAttempts: 3, retryBaseMs: 100 }),
    });
    const t0 = Date.now();
    await assert.rejects(p.create(refused), (err: Error) => {
      assert.match(err.message, new RegExp(`root@${h1().address.replace(/\./g, "\\.")}:2: could not connect after 3`));
      assert.match(err.message, /ECONNREFUSED/);
      return true;
    });
    assert.ok(Date.now() - t0 >= 300, "waited 100 + 200 ms between the attempts");

    t.hosts.setLinkUp(h2(), false);
    try {
      const cut = inputs(h2(), join(t.work, "never2"), "x\n", {
        connection: conn(h2(), { connectAttempts: 2, retryBaseMs: 10, timeoutMs: 400 }),
      });
      await assert.rejects(p.create(cut), new RegExp(`${h2().address.replace(/\./g, "\\.")}.*after 2 attempts`));
    } finally {
      t.hosts.setLinkUp(h2(), true);
    }
  });

  test("during preview, unknown inputs (the engine's sentinel) pass check() and diff() without a connection", async () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const path = join(t.work, "h1", "preview.toml");
    const created = await p.create(inputs(h1(), path, "v1\n"));
    const preview = { ...inputs(h1(), path, "v1\n"), content: UNKNOWN } as RemoteFileInputs;
    assert.deepEqual((await p.check({} as RemoteFileInputs, preview)).failures, []);
    const unknownConnection = { ...preview, connection: UNKNOWN } as unknown as RemoteFileInputs;
    assert.deepEqual((await p.check({} as RemoteFileInputs, unknownConnection)).failures, []);
    const diff = await p.diff(created.id, created.outs, unknownConnection);
    assert.deepEqual(diff.replaces, []);
    assert.equal(diff.changes, true, "unknown content may change: preview says so");
    assert.deepEqual(remoteFileDrift(created.outs, preview), ["content unknown until apply"]);
  });

  test("check() names the property and what was expected", async () => {
    const bad = await p.check(
      {} as RemoteFileInputs,
      inputs(h1(), "etc/relative.toml", "x", { mode: "rw-r--r--", owner: "bad user" }),
    );
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["path", "mode", "owner"],
    );
    assert.match(bad.failures[1]?.reason ?? "", /expected an octal mode like "0644", got "rw-r--r--"/);
    const good = await p.check({} as RemoteFileInputs, inputs(h1(), "/etc/x.toml", "x"));
    assert.deepEqual(good.failures, []);
  });
});
