// RemoteRelease's provider methods against real sshd on network-namespace test hosts: upload, unpack, verify,
// switch `current`, keep the newest N; drift in an installed binary; a connection cut mid-upload.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  remoteReleaseProvider as p,
  RELEASE_PROVIDER_VERSION,
  type RemoteReleaseInputs,
  remoteReleaseDrift,
} from "../../../components/providers/release.js";
import { type BuiltRelease, buildRelease } from "../../../components/release/build-release.js";
import type { TestHost } from "../../hosts/netns-hosts.js";
import { cutMidUpload } from "../../support/cut-mid-upload.js";
import { providerTestHosts } from "../../support/provider-test-hosts.js";

describe("RemoteRelease provider against sshd test hosts", () => {
  const t = providerTestHosts(2);
  const h1 = () => t.host(0);
  const h2 = () => t.host(1);

  /** A small release whose binary says `version`; `bigBytes` adds incompressible data to make uploads slow. */
  function release(version: string, bigBytes = 0): BuiltRelease {
    const src = mkdtempSync(join(t.work, "src-"));
    writeFileSync(join(src, "main.ts"), `export const version = ${JSON.stringify(version)};\n`);
    writeFileSync(join(src, "proofs"), `#!/bin/sh\necho ${version}\n`);
    chmodSync(join(src, "proofs"), 0o755);
    const sources = [
      { from: join(src, "main.ts"), path: "agent/main.ts" },
      { from: join(src, "proofs"), path: "bin/sealfarm-proofs" },
    ];
    if (bigBytes > 0) {
      writeFileSync(join(src, "blob"), randomBytes(bigBytes));
      sources.push({ from: join(src, "blob"), path: "share/blob" });
    }
    return buildRelease(sources, join(t.work, "out"));
  }

  const inputs = (h: TestHost, root: string, r: BuiltRelease, keep = 2): RemoteReleaseInputs => ({
    connection: t.connection(h),
    root,
    hash: r.hash,
    archivePath: r.archivePath,
    archiveSha256: r.archiveSha256,
    keep,
    providerVersion: RELEASE_PROVIDER_VERSION,
  });

  test("create unpacks the release under releases/<hash> and points current at it", async () => {
    const root = join(t.work, "h1-opt");
    const r1 = release("v1");
    const created = await p.create(inputs(h1(), root, r1));
    assert.equal(readlinkSync(join(root, "current")), `releases/${r1.hash}`);
    assert.equal(readFileSync(join(root, "current", "bin", "sealfarm-proofs"), "utf8"), "#!/bin/sh\necho v1\n");
    assert.equal(statSync(join(root, "current", "bin", "sealfarm-proofs")).mode & 0o777, 0o755);
    assert.equal(created.outs.current, r1.hash);
    assert.equal(created.outs.intact, true);
    const read = await p.read(created.id, created.outs);
    assert.equal((await p.diff(created.id, read.props, inputs(h1(), root, r1))).changes, false);
  });

  test("updates switch current and keep only the newest `keep` releases", async () => {
    const root = join(t.work, "h2-opt");
    const [r1, r2, r3] = [release("a1"), release("a2"), release("a3")];
    let state = (await p.create(inputs(h2(), root, r1))).outs;
    state = (await p.update("id", state, inputs(h2(), root, r2))).outs;
    assert.equal(readlinkSync(join(root, "current")), `releases/${r2.hash}`);
    assert.deepEqual(readdirSync(join(root, "releases")).sort(), [r1.hash, r2.hash].sort());
    const diff = await p.diff("id", state, inputs(h2(), root, r3));
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    state = (await p.update("id", state, inputs(h2(), root, r3))).outs;
    assert.equal(readlinkSync(join(root, "current")), `releases/${r3.hash}`);
    assert.deepEqual(readdirSync(join(root, "releases")).sort(), [r2.hash, r3.hash].sort(), "r1 pruned, keep = 2");
    assert.deepEqual(state.installed, [r3.hash, r2.hash]);
    // Rolling back to a release still on the host needs no upload and keeps it.
    state = (await p.update("id", state, inputs(h2(), root, r2))).outs;
    assert.equal(readlinkSync(join(root, "current")), `releases/${r2.hash}`);
    assert.deepEqual(state.installed, [r2.hash, r3.hash]);
  });

  test("a binary replaced by hand, or current switched by hand, is drift; update repairs it", async () => {
    const root = join(t.work, "h1-drift");
    const [r1, r2] = [release("d1"), release("d2")];
    await p.create(inputs(h1(), root, r1));
    const state = (await p.update("id", (await p.create(inputs(h1(), root, r2))).outs, inputs(h1(), root, r2))).outs;
    const bin = join(root, "releases", r2.hash, "bin", "sealfarm-proofs");
    writeFileSync(bin, "#!/bin/sh\necho patched\n");
    const tampered = (await p.read("id", state)).props;
    assert.equal(tampered.intact, false);
    assert.match(remoteReleaseDrift(tampered, inputs(h1(), root, r2))[0] ?? "", /files differ from the manifest/);
    assert.equal((await p.diff("id", tampered, inputs(h1(), root, r2))).changes, true);
    const repaired = (await p.update("id", tampered, inputs(h1(), root, r2))).outs;
    assert.equal(repaired.intact, true);
    assert.equal(readFileSync(bin, "utf8"), "#!/bin/sh\necho d2\n");

    chmodSync(bin, 0o644);
    assert.equal((await p.read("id", repaired)).props.intact, false, "a lost executable bit is drift too");
    await p.update("id", repaired, inputs(h1(), root, r2));

    rmSync(join(root, "current"));
    const unlinked = (await p.read("id", repaired)).props;
    assert.equal(unlinked.current, "");
    assert.deepEqual(remoteReleaseDrift(unlinked, inputs(h1(), root, r2)), [`current is (none), want ${r2.hash}`]);
  });

  test("a connection cut mid-upload leaves current on the old, intact release", async () => {
    const root = join(t.work, "h1-cut");
    const old = release("old");
    const state = (await p.create(inputs(h1(), root, old))).outs;
    const big = release("new", 24 * 1024 * 1024);
    const rel = join(root, "releases");
    await cutMidUpload(t.hosts, h1(), rel, ".upload-", p.update("id", state, inputs(h1(), root, big)));
    assert.equal(readlinkSync(join(root, "current")), `releases/${old.hash}`);
    assert.equal(existsSync(join(rel, big.hash)), false, "no half-unpacked release under its real name");
    assert.equal((await p.read("id", state)).props.intact, true);

    const done = (await p.update("id", state, inputs(h1(), root, big))).outs;
    assert.equal(done.current, big.hash);
    assert.deepEqual(
      readdirSync(rel).filter((f) => f.startsWith(".")),
      [],
      "temp files of the cut upload are gone",
    );
  });

  test("two resources installing on one host at once (a shared manager and worker machine) both succeed", async () => {
    const root = join(t.work, "h2-shared");
    const [a, b] = [release("shared-a"), release("shared-b")];
    const [ra, rb] = await Promise.all([p.create(inputs(h2(), root, a, 3)), p.create(inputs(h2(), root, b, 3))]);
    assert.equal(ra.outs.intact && rb.outs.intact, true);
    assert.ok([`releases/${a.hash}`, `releases/${b.hash}`].includes(readlinkSync(join(root, "current"))));
    assert.deepEqual(readdirSync(join(root, "releases")).sort(), [a.hash, b.hash].sort());
    const same = await Promise.all([p.create(inputs(h2(), root, a, 3)), p.create(inputs(h2(), root, a, 3))]);
    assert.deepEqual(
      same.map((r) => r.outs.current),
      [a.hash, a.hash],
    );
  });

  test("a changed host key is refused with both fingerprints before anything is uploaded", async () => {
    const root = join(t.work, "h1-wrong-key");
    const r = release("wrong-key");
    const wrong = inputs(h1(), root, r);
    wrong.connection = { ...wrong.connection, hostKey: h2().hostKey };
    await assert.rejects(p.create(wrong), (err: Error) => {
      assert.match(err.message, /host key mismatch/);
      assert.ok(err.message.includes(h1().hostKeyFingerprint) && err.message.includes(h2().hostKeyFingerprint));
      return true;
    });
    assert.equal(existsSync(root), false);
  });

  test("delete removes the release and current; check() names bad fields", async () => {
    const root = join(t.work, "h2-del");
    const r = release("del");
    const created = await p.create(inputs(h2(), root, r));
    await p.delete(created.id, created.outs);
    assert.equal(existsSync(join(root, "current")), false);
    assert.equal(existsSync(join(root, "releases", r.hash)), false);
    assert.equal((await p.read(created.id, created.outs)).id, "");
    mkdirSync(join(t.work, "unused"), { recursive: true });
    const bad = await p.check(inputs(h2(), root, r), { ...inputs(h2(), "opt/rel", r), hash: "abc", keep: 0 });
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["hash", "root", "keep"],
    );
  });
});
