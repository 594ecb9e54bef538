// The pure parts of WorkerHost: what a host gets from its class and role, checked against the worker's own config
// loader (the file the provisioner writes is the file the agent reads), and the restart trigger's properties.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseWorkerConfig } from "../agent/worker/config/load-worker-config.js";
import { mergeSealing } from "../agent/worker/config/worker-config.js";
import { loadClassDirectory } from "./core/config/load-class.js";
import type { FarmHost } from "./core/config/load-farm.js";
import { renderWorkerToml } from "./core/render/worker-toml.js";
import { prepareHostScript, serviceTrigger, unprepareHostScript } from "./host-foundation.js";
import { planWorkerHost } from "./worker-host.js";

const classes = loadClassDirectory(join(import.meta.dirname, "..", "stacks", "classes"));
function cls(name: string) {
  const mc = classes.get(name);
  if (!mc) throw new Error(`stacks/classes/${name}.yaml is missing`);
  return mc;
}
const host = (name: string, cls: string, role: FarmHost["role"]): FarmHost => ({
  name,
  address: "10.1.0.21",
  class: cls,
  role,
  ssh: { user: "root", port: 22, hostKey: "ssh-ed25519 AAAA" },
});
const context = {
  managerRpcAddr: "/ip4/10.1.0.10/tcp/1789",
  miners: [1000],
  persistStores: [{ name: "persist-1", path: "/mnt/persist-1" }],
};

test("a sealer's worker TOML, with the token, loads in the worker's own config loader", () => {
  const p = planWorkerHost(host("sealer-01", "epyc-2gpu", "sealer"), cls("epyc-2gpu"), "32GiB", context);
  const text = renderWorkerToml(p.plan, { managerToken: "sf1.x.y" });
  const loaded = parseWorkerConfig(text, "/etc/sealfarm/worker.toml", { defaultBin: "/bin/true" });
  assert.equal(loaded.config.sectorManager.token, "sf1.x.y");
  assert.equal(p.plan.workerToml.worker?.name, "sealer-01");
  assert.equal(p.storePaths.length, p.plan.report.threads + 1, "one store per thread plus the persist store");
  assert.ok(p.storePaths.includes("/mnt/persist-1"));
});

test("a sealer's worker TOML takes deals exactly when the farm does, as the worker's own loader reads it", () => {
  for (const enableDeals of [false, true]) {
    const p = planWorkerHost(host("sealer-01", "dev", "sealer"), cls("dev"), "2KiB", { ...context, enableDeals });
    const text = renderWorkerToml(p.plan, { managerToken: "sf1.x.y" });
    assert.match(text, new RegExp(`^enable_deals = ${enableDeals}$`, "m"));
    const loaded = parseWorkerConfig(text, "/etc/sealfarm/worker.toml", { defaultBin: "/bin/true" });
    assert.equal(loaded.config.sealing.enableDeals, enableDeals);
    assert.ok(loaded.config.threads.length > 0);
    for (const t of loaded.config.threads)
      assert.equal(mergeSealing(loaded.config.sealing, t.sealing).enableDeals, enableDeals, "effective per thread");
  }
});

test("the unit writes exactly the stores, and preparation creates them owned by the service user", () => {
  const p = planWorkerHost(host("sealer-01", "post-1gpu", "sealer"), cls("post-1gpu"), "32GiB", context);
  const rw = p.unitText
    .split("\n")
    .filter((l) => l.startsWith("ReadWritePaths="))
    .map((l) => l.slice("ReadWritePaths=".length));
  assert.deepEqual(rw.sort(), [...p.storePaths].sort());
  for (const d of p.storePaths)
    assert.ok(p.prepareScript.includes(`install -d -m 0750 -o 'sealfarm' -g 'sealfarm' '${d}'`));
  assert.match(p.prepareScript, /id -u 'sealfarm' .* useradd --system/);
  assert.ok(p.prepareScript.includes("install -d -m 0755 -o root -g root '/etc/sealfarm'"));
});

test("the same class and role give the same plan; a PoSt host gets no sealing stores", () => {
  const a = planWorkerHost(host("sealer-01", "epyc-2gpu", "sealer"), cls("epyc-2gpu"), "32GiB", context);
  const b = planWorkerHost(host("sealer-01", "epyc-2gpu", "sealer"), cls("epyc-2gpu"), "32GiB", context);
  assert.equal(renderWorkerToml(a.plan), renderWorkerToml(b.plan));
  const post = planWorkerHost(host("post-01", "post-1gpu", "post"), cls("post-1gpu"), "32GiB", context);
  assert.deepEqual(post.storePaths, ["/mnt/persist-1"]);
});

test("prepareHostScript quotes every path and de-duplicates", () => {
  const s = prepareHostScript("sealfarm", ["/a b", "/a b", "/x'y"], []);
  assert.equal(s.match(/install -d/g)?.length, 2);
  assert.ok(s.includes("'/a b'"));
  assert.ok(s.includes(`'/x'\\''y'`));
});

test("unprepareHostScript removes the directories and their emptied parents, and keeps a parent still in use", () => {
  const root = mkdtempSync(join(tmpdir(), "sealfarm-unprepare-"));
  try {
    for (const d of ["lib/sealfarm/store a", "lib/sealfarm/persist", "lib/other", "etc/sealfarm"])
      mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, "lib/sealfarm/store a/sealed"), "x");
    const script = unprepareHostScript(
      [join(root, "lib/sealfarm/store a"), join(root, "lib/sealfarm/persist")],
      [join(root, "etc/sealfarm")],
    );
    const res = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(readdirSync(root).sort(), ["lib"]);
    assert.deepEqual(readdirSync(join(root, "lib")), ["other"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("serviceTrigger changes with any part and with how bytes split between parts", () => {
  const base = serviceTrigger(["unit", "config", "release"]);
  assert.equal(serviceTrigger(["unit", "config", "release"]), base);
  assert.notEqual(serviceTrigger(["unit", "config!", "release"]), base);
  assert.notEqual(serviceTrigger(["unitc", "onfig", "release"]), base);
  const r = randomBytes(8).toString("hex");
  assert.notEqual(serviceTrigger(["unit", "config", r]), base);
  assert.match(base, /^[0-9a-f]{64}$/);
});

test("with the manager's TLS, the worker TOML pins it in [sealfarm.tls] and its own loader reads the pin", () => {
  const p = planWorkerHost(host("sealer-01", "epyc-2gpu", "sealer"), cls("epyc-2gpu"), "32GiB", context);
  const fingerprint = `sha256:${"AB:".repeat(31)}CD`;
  const text = renderWorkerToml(p.plan, {
    managerToken: "sf1.x.y",
    managerTls: { url: "https://10.1.0.10:1790", caFile: "/etc/sealfarm/manager-tls.crt", fingerprint },
  });
  const loaded = parseWorkerConfig(text, "/etc/sealfarm/worker.toml", { defaultBin: "/bin/true" });
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.config.sectorManager.url, "https://10.1.0.10:1790");
  assert.equal(loaded.config.security.managerCaFile, "/etc/sealfarm/manager-tls.crt");
  assert.equal(loaded.config.security.managerFingerprint, fingerprint);
  assert.match(text, /\[sealfarm\.tls\]/);
});
