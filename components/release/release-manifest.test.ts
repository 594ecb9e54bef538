import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { releaseArchiveName, releaseLayout, renderReleaseManifest } from "./release-manifest.js";

const h = (s: string) => createHash("sha256").update(s).digest("hex");

test("the manifest is sorted by path and carries mode, sha256 and path", () => {
  const text = renderReleaseManifest([
    { path: "bin/sealfarm-proofs", mode: 0o755, sha256: h("proofs") },
    { path: "agent/cli/main.ts", mode: 0o644, sha256: h("main") },
  ]);
  assert.equal(text, `0644 ${h("main")} agent/cli/main.ts\n0755 ${h("proofs")} bin/sealfarm-proofs\n`);
});

test("the same files in any order give the same manifest; a changed mode gives another", () => {
  const a = { path: "a", mode: 0o644, sha256: h("a") };
  const b = { path: "b/c", mode: 0o755, sha256: h("c") };
  assert.equal(renderReleaseManifest([a, b]), renderReleaseManifest([b, a]));
  assert.notEqual(renderReleaseManifest([a, b]), renderReleaseManifest([a, { ...b, mode: 0o644 }]));
});

test("unsafe or duplicate paths are refused, all of them reported at once", () => {
  assert.throws(
    () =>
      renderReleaseManifest([
        { path: "../etc/passwd", mode: 0o644, sha256: h("x") },
        { path: "with space", mode: 0o644, sha256: h("y") },
        { path: "ok", mode: 0o644, sha256: h("z") },
        { path: "ok", mode: 0o644, sha256: h("z") },
        { path: "MANIFEST", mode: 0o644, sha256: h("m") },
      ]),
    (err: Error) => {
      assert.match(err.message, /"\.\.\/etc\/passwd": "\." and "\.\." are not allowed/);
      assert.match(err.message, /"with space": expected letters/);
      assert.match(err.message, /ok: listed twice/);
      assert.match(err.message, /"MANIFEST": reserved/);
      return true;
    },
  );
  assert.throws(() => renderReleaseManifest([]), /at least one file/);
});

test("layout and archive name follow the hash", () => {
  assert.deepEqual(releaseLayout("/opt/sealfarm/", "ab"), {
    releases: "/opt/sealfarm/releases",
    dir: "/opt/sealfarm/releases/ab",
    current: "/opt/sealfarm/current",
  });
  assert.equal(releaseArchiveName("ab"), "sealfarm-release-ab.tar.gz");
});
