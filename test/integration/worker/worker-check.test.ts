// `sealfarm worker check` on three damocles-format configs (test/fixtures/damocles), run as the operator runs it:
// the real CLI as a child process, a manager address that accepts TCP on loopback (the check only connects to learn
// the worker's local address), and the facts read back from --json.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { WorkerFacts } from "../../../agent/worker/config/describe-worker-config.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..", "..");
const fixtures = join(root, "test", "fixtures", "damocles");

let manager: net.Server;
let port = 0;
let dir = "";

/** A copy of a fixture whose manager address points at the loopback listener. */
function fixture(name: string): string {
  const text = readFileSync(join(fixtures, name), "utf8")
    .replace("/ip4/127.0.0.1/tcp/1789", `/ip4/127.0.0.1/tcp/${port}`)
    .replace("http://127.0.0.1:1789", `http://127.0.0.1:${port}`);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function check(file: string, json = true): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(root, "bin", "sealfarm.js"), "worker", "check", "--config", file, ...(json ? ["--json"] : [])],
      { cwd: root },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealfarm-worker-check-"));
  manager = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => manager.listen(0, "127.0.0.1", () => r()));
  port = (manager.address() as net.AddressInfo).port;
});
after(async () => {
  await new Promise<void>((r) => manager.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe("sealfarm worker check", () => {
  it("a minimal sealer: one thread, the bundled binary for every stage, named by its address toward the manager", async () => {
    const { code, stdout } = await check(fixture("minimal-sealer.toml"));
    const f = JSON.parse(stdout) as WorkerFacts;
    assert.equal(code, 0, stdout);
    assert.equal(f.ok, true);
    assert.deepEqual(f.worker, {
      name: "127.0.0.1",
      nameFrom: "local address toward the manager",
      dest: "127.0.0.1:17890",
      rpcListen: "0.0.0.0:17890",
    });
    assert.deepEqual(
      f.threads.map((t) => [t.index, t.plan, t.location]),
      [[0, "sealer", "/var/lib/damocles/store0"]],
    );
    assert.equal(f.threads[0]?.sealing.maxRetries, 5);
    assert.deepEqual(
      f.stages.map((s) => [s.stage, s.source]),
      ["add_pieces", "c1", "c2", "pc1", "pc2", "tree_d"].map((s) => [s, "default"]),
    );
    assert.deepEqual(f.attached, [{ name: "persist-0", location: "/mnt/persist-0", readonly: false }]);
  });

  it("the 32 GiB two-NUMA two-GPU sealer: every section read as damocles reads it, its snapup thread included", async () => {
    const { code, stdout } = await check(fixture("sealer-32g-2numa-2gpu.toml"));
    const f = JSON.parse(stdout) as WorkerFacts;
    assert.equal(code, 0, f.problems.join("\n"));
    assert.deepEqual(f.problems, []);
    assert.equal(f.worker.name, "sealer-01");
    assert.equal(f.worker.nameFrom, "config");
    assert.equal(f.worker.dest, "127.0.0.1:17890");
    // `/mnt/nvme2/./store2/` is `/mnt/nvme2/store2`: skipped with a warning, its index left unused.
    assert.deepEqual(
      f.threads.map((t) => [t.index, t.plan, t.location]),
      [
        [0, "sealer", "/mnt/nvme1/store1"],
        [1, "sealer", "/mnt/nvme2/store2"],
        [3, "snapup", "/mnt/nvme3/snap1"],
        [4, "wdpost", null],
      ],
    );
    assert.ok(f.warnings.some((w) => /sealing_thread\[2\]\.location: \/mnt\/nvme2\/store2 is already used/.test(w)));
    assert.deepEqual(f.threads[1]?.sealing.allowedMiners, [10124]);
    assert.equal(f.threads[3]?.sealing.recoverIntervalMs, 15_000);
    assert.equal(f.threads[0]?.sealing.enableDeals, true);

    const stage = (name: string) => f.stages.find((s) => s.stage === name);
    const pc1 = stage("pc1");
    assert.equal(pc1?.limit, 4);
    assert.equal(pc1?.staggeredMs, 300_000);
    assert.deepEqual(
      pc1?.processors.map((p) => [p.cpuset, p.numaNode, p.concurrent]),
      [
        ["0-7", 0, 2],
        ["12-19", 1, 2],
      ],
    );
    const pc2 = stage("pc2")?.processors[0];
    assert.deepEqual(pc2?.gpu, { CUDA_VISIBLE_DEVICES: "0" });
    assert.deepEqual(pc2?.locks, ["gpu0"]);
    assert.equal(pc2?.cpuset, "8-11,24-27");
    const c2 = stage("c2")?.processors;
    assert.equal(c2?.[1]?.bin, "/usr/local/bin/c2-outsource");
    assert.deepEqual(c2?.[1]?.args, ["--url", "https://c2.example", "--timeout", "10s"]);
    assert.deepEqual(stage("transfer")?.processors[0]?.args, ["processor", "transfer", "--disable_link"]);
    assert.deepEqual(stage("window_post")?.processors[0]?.gpu, { CUDA_VISIBLE_DEVICES: "1" });
    assert.deepEqual(f.extLocks, { gpu0: 1 });
    assert.deepEqual(f.staticTreeD, { "32GiB": "/var/tmp/32g/sc-02-data-tree-d.dat" });
    assert.deepEqual(
      f.attached.map((a) => [a.name, a.readonly]),
      [
        ["persist-1", false],
        ["persist-old", true],
      ],
    );
    assert.deepEqual(f.scanPersistStores, ["/mnt/persist/*"]);
    assert.deepEqual(f.metrics, { enable: true, httpListen: "0.0.0.0:9000" });
    assert.deepEqual(f.manager, { url: `http://127.0.0.1:${port}`, token: false, pieceToken: true });
  });

  it("a WindowPoSt-only host: two wdpost threads, no sealing store, one pinned GPU prover", async () => {
    const { code, stdout } = await check(fixture("wdpost-only.toml"));
    const f = JSON.parse(stdout) as WorkerFacts;
    assert.equal(code, 0, stdout);
    assert.deepEqual(
      f.threads.map((t) => [t.index, t.plan, t.location, t.sealing.allowedMiners ?? null]),
      [
        [0, "wdpost", null, null],
        [1, "wdpost", null, [10123]],
      ],
    );
    assert.deepEqual(
      f.stages.map((s) => s.stage),
      ["window_post"],
    );
    const wp = f.stages[0];
    assert.equal(wp?.limit, 1);
    assert.deepEqual(
      wp?.processors.map((p) => [p.cpuset, p.numaNode, p.gpu, p.concurrent]),
      [["0-15", 0, { CUDA_VISIBLE_DEVICES: "0" }, 1]],
    );
    assert.deepEqual(f.attached, [{ name: "persist-1", location: "/mnt/persist-1", readonly: true }]);
    assert.equal(f.worker.name, "poster-01");
  });

  it("prints the same facts as text, one per line", async () => {
    const { code, stdout } = await check(fixture("wdpost-only.toml"), false);
    assert.equal(code, 0);
    assert.match(stdout, /^name {6}poster-01 {2}\(config\)$/m);
    assert.match(stdout, /^dest {6}127\.0\.0\.1:17890 /m);
    assert.match(stdout, /^ {2}\[1\] wdpost {2}\(no location: wdpost\)$/m);
    assert.match(stdout, /cpus 0-15 {2}numa 0 {2}CUDA_VISIBLE_DEVICES=0 {2}concurrent 1/);
  });

  it("reports every mistake with its key path and exits 1", async () => {
    const file = join(dir, "broken.toml");
    writeFileSync(
      file,
      [
        "[sector_manager]",
        'rpc_client.addr = "/ip4/127.0.0.1/udp/1789"',
        "[[sealing_thread]]",
        'plan = "sealr"',
        "[[processors.pc1]]",
        'locks = ["gpu9"]',
      ].join("\n"),
    );
    const { code, stdout } = await check(file);
    assert.equal(code, 1);
    const f = JSON.parse(stdout) as { ok: boolean; problems: string[] };
    assert.equal(f.ok, false);
    assert.ok(
      f.problems.some((p) => p.startsWith("sealing_thread[0].plan: expected one of")),
      f.problems.join("\n"),
    );
  });

  it("accepts a loopback RPC address when the manager is on loopback too", async () => {
    // A loopback Dest for a remote manager is refused: that rule is covered by worker-identity's unit tests, since no
    // test traffic may leave this machine.
    const file = fixture("minimal-sealer.toml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n[worker]\nrpc_server.host = "127.0.0.1"\n`);
    const { code, stdout } = await check(file);
    assert.equal(code, 0, stdout);
    assert.equal((JSON.parse(stdout) as WorkerFacts).worker.dest, "127.0.0.1:17890");
  });
});
