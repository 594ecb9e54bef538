// Each dynamic provider is serialized into state (`__provider`) and later run by the engine's nodejs provider
// process, from the project directory, without our TypeScript loader. This test serializes each one, checks what
// it captured, then runs the serialized text in a plain `node` child process (no tsx) against a real sshd test host.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { remoteReleaseProvider } from "../../../components/providers/release.js";
import { REMOTE_FILE_PROVIDER_VERSION, remoteFileProvider } from "../../../components/providers/remote-file.js";
import { remoteScriptProvider } from "../../../components/providers/remote-script.js";
import { systemdServiceProvider } from "../../../components/providers/systemd-service.js";
import { buildRelease } from "../../../components/release/build-release.js";
import { providerTestHosts } from "../../support/provider-test-hosts.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Runs `provider[method](...args)` from serialized text in a fresh node process, as the engine would. */
function runSerialized(text: string, exportName: string, method: string, args: unknown[]): unknown {
  const dir = mkdtempSync(join(tmpdir(), "sealfarm-serialized-"));
  try {
    writeFileSync(join(dir, "provider.js"), text);
    writeFileSync(join(dir, "args.json"), JSON.stringify(args));
    const script = `
      const fs = require("node:fs");
      const { createRequire } = require("node:module");
      const text = fs.readFileSync(${JSON.stringify(join(dir, "provider.js"))}, "utf8");
      const mod = { exports: {} };
      new Function("module", "exports", "require", text)(mod, mod.exports, createRequire(process.cwd() + "/index.js"));
      const provider = mod.exports[${JSON.stringify(exportName)}]();
      const args = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, "args.json"))}, "utf8"));
      provider[${JSON.stringify(method)}](...args).then(
        (r) => { process.stdout.write(JSON.stringify(r ?? null)); },
        (e) => { process.stderr.write(e.message); process.exit(3); },
      );`;
    const res = spawnSync(process.execPath, ["-e", script], { cwd: repoRoot, encoding: "utf8", timeout: 60000 });
    if (res.status !== 0) throw new Error(`serialized ${method} failed (${res.status}): ${res.stderr}`);
    return JSON.parse(res.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const providers = {
  RemoteFile: remoteFileProvider,
  RemoteRelease: remoteReleaseProvider,
  RemoteScript: remoteScriptProvider,
  SystemdService: systemdServiceProvider,
};

describe("dynamic providers survive serialization", () => {
  const serialized = new Map<string, { text: string; exportName: string }>();
  const t = providerTestHosts(1);
  const h1 = () => t.host(0);

  for (const [name, provider] of Object.entries(providers)) {
    test(`${name}: serializes without secrets, reaching only node built-ins and ssh2`, async () => {
      const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      assert.equal(sf.containsSecrets, false);
      const required = [...sf.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).sort();
      assert.ok(required.length > 0);
      for (const r of required) assert.match(r ?? "", /^(crypto|fs|ssh2\/lib\/index\.js)$/, `${name} requires ${r}`);
      assert.doesNotMatch(sf.text, /@pulumi|Config\(|__pulumiOutput/);
      serialized.set(name, sf);
    });
  }

  test("the serialized RemoteFile writes and reads a file on a test host from a plain node process", () => {
    const sf = serialized.get("RemoteFile");
    assert.ok(sf);
    const path = join(t.work, "serialized.toml");
    const inputs = {
      connection: t.connection(h1(), { port: 22 }),
      path,
      content: "written by the serialized provider\n",
      mode: "0600",
      providerVersion: REMOTE_FILE_PROVIDER_VERSION,
    };
    const created = runSerialized(sf.text, sf.exportName, "create", [inputs]) as { id: string; outs: object };
    assert.equal(readFileSync(path, "utf8"), "written by the serialized provider\n");
    writeFileSync(path, "edited by hand\n");
    const read = runSerialized(sf.text, sf.exportName, "read", [created.id, created.outs]) as {
      props: { sha256: string };
    };
    const diff = runSerialized(sf.text, sf.exportName, "diff", [created.id, read.props, inputs]) as {
      changes: boolean;
    };
    assert.equal(diff.changes, true);
  });

  test("the serialized RemoteRelease installs a release from a plain node process", () => {
    const sf = serialized.get("RemoteRelease");
    assert.ok(sf);
    writeFileSync(join(t.work, "proofs"), "#!/bin/sh\necho serialized\n");
    chmodSync(join(t.work, "proofs"), 0o755);
    const r = buildRelease([{ from: join(t.work, "proofs"), path: "bin/sealfarm-proofs" }], join(t.work, "out"));
    const root = join(t.work, "opt");
    const created = runSerialized(sf.text, sf.exportName, "create", [
      {
        connection: t.connection(h1()),
        root,
        hash: r.hash,
        archivePath: r.archivePath,
        archiveSha256: r.archiveSha256,
      },
    ]) as { outs: { current: string; intact: boolean } };
    assert.equal(created.outs.current, r.hash);
    assert.equal(created.outs.intact, true);
    assert.equal(readFileSync(join(root, "current", "bin", "sealfarm-proofs"), "utf8"), "#!/bin/sh\necho serialized\n");
  });

  test("the serialized SystemdService checks its inputs from a plain node process", () => {
    const sf = serialized.get("SystemdService");
    assert.ok(sf);
    const res = runSerialized(sf.text, sf.exportName, "check", [
      {},
      { connection: { host: "h", hostKey: "SHA256:x" }, name: "bad name", unit: "[Service]\nExecStart=/bin/true\n" },
    ]) as { failures: { property: string }[] };
    assert.deepEqual(
      res.failures.map((f) => f.property),
      ["name"],
    );
  });
});
