// The farm's whole lifecycle under the real Pulumi engine (`npm run test:e2e`): the CLI, language host and
// dynamic-provider launcher built by `npm run pulumi:install`, driven through the Automation API (a LocalWorkspace
// on this repository's program, a file:// backend in a temp directory, the passphrase secrets provider) against
// systemd test hosts (network namespaces with sshd and systemd as PID 1, each with its own pinned host key).
//
// Steps, each printed with its time: 1. four hosts (manager, two sealers, a PoSt worker) deployed, sectors sealed
// to Active on both sealers, a deal imported on the manager and sealed into an Active sector (the farm has
// `deals: true`), a WindowPoSt verified on the PoSt host; 2. an unchanged `up` changes and writes
// nothing; 3. scale-out (after a refused deploy to a host whose key differs from the pinned one); 4. drift found by
// `preview --refresh` from the engine's events, repaired by `up`; 5. faults: SIGKILL during PC1, manager restart
// mid-seal; 6. secrets nowhere in plaintext; 7. destroy leaves nothing and removes the stack.
//
// SEALFARM_E2E_SECTORS (default 6) is how many sectors must be Active after step 1; CI may lower it.
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type EngineEvent,
  LocalWorkspace,
  type OpType,
  PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation/index.js";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { createVenusClient } from "../../agent/shared/rpc/venus-client.js";
import { createToken } from "../../components/core/auth/tokens.js";
import { startTestHosts, type TestHost, type TestHostSet } from "../hosts/netns-hosts.js";
import { waitFor } from "../support/wait.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const toolsBin = join(repoRoot, ".tools", "bin");
const AUTH_SECRET = "0123456789abcdef".repeat(4).split("").reverse().join("");
const SECTORS = Number(process.env.SEALFARM_E2E_SECTORS ?? "6");
const PERSIST = "/srv/sealfarm-persist-1";

const haveToolchain = existsSync(join(toolsBin, "pulumi")) && existsSync(join(toolsBin, "pulumi-language-nodejs"));
const skip = !haveToolchain && "no Pulumi toolchain in .tools/bin: run `npm run pulumi:install` first";

const t0 = Date.now();
function say(msg: string): void {
  console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  say(`${name}: start`);
  const r = await fn();
  say(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r;
}

/** The resource name at the end of a URN (`…::s1-worker-toml`). */
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** Engine steps of one operation, from its structured events: op → sorted resource names (the stack excluded). */
function stepsByOp(events: EngineEvent[]): Map<OpType, string[]> {
  const byOp = new Map<OpType, string[]>();
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    // The stack and the engine's provider resources deploy nothing to a host. (The dynamic providers' default
    // provider carries the whole stack config as its inputs, so any config edit, like adding a host, "updates" it.)
    if (!m || m.type === "pulumi:pulumi:Stack" || m.type.startsWith("pulumi:providers:")) continue;
    byOp.set(m.op, [...(byOp.get(m.op) ?? []), nameOf(m.urn)].sort());
  }
  return byOp;
}
const changed = (byOp: Map<OpType, string[]>) =>
  [...byOp]
    .filter(([op]) => op !== "same" && op !== "read" && op !== "refresh")
    .flatMap(([op, names]) => names.map((n) => `${op} ${n}`))
    .sort();

describe("the farm under the real Pulumi engine", { skip }, () => {
  let hosts: TestHostSet;
  let work: string;
  let stack: Stack;
  let stackFile: string;
  const stackName = `e2e-${process.pid}`;
  const H = () => {
    const [mgr, s1, s2, post, s3] = hosts.hosts as TestHost[];
    return { mgr, s1, s2, post, s3 } as Record<string, TestHost>;
  };
  const on = (h: TestHost, script: string) => hosts.inHost(h, ["sh", "-c", script]).trim();
  const invocation = (h: TestHost, unit: string) => on(h, `systemctl show -P InvocationID ${unit}`);
  const farmHosts = () => [
    { host: H().mgr as TestHost, unit: "sealfarm-manager.service" },
    { host: H().s1 as TestHost, unit: "sealfarm-worker.service" },
    { host: H().s2 as TestHost, unit: "sealfarm-worker.service" },
    { host: H().post as TestHost, unit: "sealfarm-worker.service" },
  ];

  function farmConfig(extraSealer?: { hostKey: string }): unknown {
    const h = H();
    const worker = (name: string, t: TestHost, role: string, hostKey = t.hostKey) => ({
      name,
      address: t.address,
      class: "dev",
      role,
      ssh: { hostKey },
    });
    return {
      sectorSize: "2KiB",
      miners: [1000],
      // The farm seals deals: the manager hands imported deals out and every sealer asks for them.
      deals: true,
      ssh: { user: "root", port: 22 },
      manager: {
        name: "mgr",
        address: h.mgr?.address,
        class: "dev",
        database: { url: "sqlite:///var/lib/sealfarm/manager/manager.db" },
        ssh: { hostKey: h.mgr?.hostKey },
      },
      persistStores: [{ name: "persist-1", path: PERSIST }],
      hosts: [
        worker("s1", h.s1 as TestHost, "sealer"),
        worker("s2", h.s2 as TestHost, "sealer"),
        worker("post1", h.post as TestHost, "post"),
        ...(extraSealer ? [worker("s3", h.s3 as TestHost, "sealer", extraSealer.hostKey)] : []),
      ],
    };
  }

  /** Writes sealfarm:farm into the real stack file, next to the secrets the CLI encrypted there. */
  function writeFarm(farm: unknown): void {
    const doc = parseYaml(readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> };
    doc.config["sealfarm:farm"] = farm;
    writeFileSync(stackFile, stringifyYaml(doc));
  }

  async function up(): Promise<{ byOp: Map<OpType, string[]>; outputs: Record<string, unknown> }> {
    const events: EngineEvent[] = [];
    const r = await stack.up({ onEvent: (e) => events.push(e), color: "never" });
    assert.equal(r.summary.result, "succeeded");
    return {
      byOp: stepsByOp(events),
      outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value])),
    };
  }
  async function preview(refresh: boolean): Promise<Map<OpType, string[]>> {
    const events: EngineEvent[] = [];
    await stack.preview({ refresh, onEvent: (e) => events.push(e), color: "never" });
    return stepsByOp(events);
  }

  let rpcUrl = "";
  const rpc = () =>
    createVenusClient({ url: rpcUrl, token: createToken(Buffer.from(AUTH_SECRET, "hex"), "admin"), timeoutMs: 10000 });
  type SectorRow = { State: string; Worker: string | null; ID: { Number: number }; Deals: number };
  async function sectors(): Promise<SectorRow[]> {
    const c = rpc();
    try {
      return (await c.callVenus("ListSectors", [null])) as unknown as SectorRow[];
    } finally {
      c.close();
    }
  }
  /** Waits (hang guard only) until `done` holds for a state that, once reached, stays (counts only grow). */
  async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T>, done: (v: T) => boolean) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe().catch((e: Error) => e);
      if (!(v instanceof Error) && done(v)) return v;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; last: ${String(v instanceof Error ? v.message : JSON.stringify(v)).slice(0, 2000)}`,
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const activeBy = (list: { State: string; Worker: string | null }[], worker?: string) =>
    list.filter((s) => s.State === "Active" && (worker === undefined || s.Worker === worker)).length;

  /** Every deployed file's identity (path, inode, mtime) on a host: a write (temp + rename) changes it. */
  const deployedFiles = (h: TestHost) =>
    on(
      h,
      "find /etc/sealfarm /etc/systemd/system /opt/sealfarm /var/lib/sealfarm/manager/auth.secret " +
        "-maxdepth 3 \\( -path '/etc/systemd/system/*.wants' -prune \\) -o -printf '%p %i %T@\\n' 2>/dev/null | sort || true",
    );

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "sealfarm-e2e-"));
    mkdirSync(join(work, "state"));
    hosts = await step("boot five systemd test hosts", () => startTestHosts(5, "systemd", { sharedDirs: [PERSIST] }));
    const env = {
      PATH: `${toolsBin}:${process.env.PATH ?? ""}`,
      PULUMI_HOME: join(work, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "sealfarm e2e passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    const pulumiCommand = await PulumiCommand.get({ root: join(repoRoot, ".tools") });
    stack = await LocalWorkspace.createStack(
      { stackName, workDir: repoRoot },
      { pulumiCommand, envVars: env, secretsProvider: "passphrase" },
    );
    stackFile = join(repoRoot, "stacks", `Pulumi.${stackName}.yaml`);
    // Also when the runner is interrupted (no after hook then): no stack file of this run stays in the repository.
    process.once("exit", () => rmSync(stackFile, { force: true }));
    await stack.setAllConfig({
      "sealfarm:sshPrivateKey": { value: hosts.clientPrivateKey, secret: true },
      "sealfarm:managerAuthSecret": { value: AUTH_SECRET, secret: true },
    });
    writeFarm(farmConfig());
  });
  after(async () => {
    // Whatever happened, no stack file of this run stays in the repository, and the hosts go.
    if (stackFile) rmSync(stackFile, { force: true });
    await hosts?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("1. up deploys four hosts; both sealers seal, sectors go Active, a WindowPoSt verifies on the PoSt host", async () => {
    const first = await step("first pulumi up (4 hosts)", up);
    assert.deepEqual(
      changed(first.byOp).filter((c) => !c.startsWith("create ")),
      [],
    );
    for (const n of ["mgr", "s1", "s2", "post1"])
      for (const r of ["prepare", "release"]) assert.ok(first.byOp.get("create")?.includes(`${n}-${r}`), `${n}-${r}`);
    // The stack output is the workers' multiaddr (/ip4/<address>/tcp/<port>).
    const [, , address, , port] = String(first.outputs.managerRpcAddr).split("/");
    rpcUrl = `http://${address}:${port}`;
    for (const { host, unit } of farmHosts())
      assert.equal(on(host, `systemctl is-active ${unit} || true`), "active", `${unit} on ${host.name}`);
    const dealId = await step("import a deal on the manager host", async () => {
      const out = on(
        H().mgr as TestHost,
        "head -c 1000 /dev/urandom > /tmp/deal.bin && chmod 0644 /tmp/deal.bin && " +
          "runuser -u sealfarm -- /opt/sealfarm/current/bin/sealfarm deals import /tmp/deal.bin --home /var/lib/sealfarm/manager",
      );
      const m = /^deal (\d+): /.exec(out);
      assert.ok(m, out);
      // The piece store and the piece in it belong to the manager's user (the store was made by the preparation).
      assert.equal(
        on(H().mgr as TestHost, "stat -c %U /var/lib/sealfarm/manager/pieces /var/lib/sealfarm/manager/pieces/*"),
        "sealfarm\nsealfarm",
      );
      return Number(m[1]);
    });
    const list = await step(`wait for ${SECTORS} Active sectors on both sealers`, () =>
      until(
        "sectors Active on both sealers",
        15 * 60_000,
        sectors,
        (l) => activeBy(l) >= SECTORS && activeBy(l, "s1") > 0 && activeBy(l, "s2") > 0,
      ),
    );
    say(`sectors Active: ${activeBy(list)} (s1 ${activeBy(list, "s1")}, s2 ${activeBy(list, "s2")})`);
    // `deals: true` reaches both ends: a sealer takes the deal (AcquireDeals), fetches its piece from the manager's
    // piece store over the pinned TLS URL, seals it, and the sector goes Active with the deal in it.
    const dealSector = await step(`wait for deal ${dealId} to be sealed into an Active sector`, async () => {
      const assigned = await until(
        `deal ${dealId} assigned to a sector`,
        10 * 60_000,
        async () =>
          on(
            H().mgr as TestHost,
            `sqlite3 -readonly /var/lib/sealfarm/manager/manager.db "select sector_number from deals where id = ${dealId} and state = 'assigned'"`,
          ),
        (out) => /^\d+$/.test(out),
      );
      const number = Number(assigned);
      const l = await until(`sector ${number} (deal ${dealId}) Active`, 10 * 60_000, sectors, (l) =>
        l.some((s) => s.ID.Number === number && s.State === "Active"),
      );
      return l.find((s) => s.ID.Number === number) as SectorRow;
    });
    assert.equal(dealSector.Deals, 1, `sector ${dealSector.ID.Number} holds the deal`);
    say(`deal ${dealId} sealed in sector ${dealSector.ID.Number} by ${dealSector.Worker}`);
    await step("wait for a WindowPoSt verified on the PoSt host", () =>
      until(
        "a verified WindowPoSt job run by post1",
        10 * 60_000,
        async () =>
          on(
            H().mgr as TestHost,
            'sqlite3 -readonly /var/lib/sealfarm/manager/manager.db "select worker from wdpost_jobs where succeeded = 1"',
          ),
        (out) => out.split("\n").includes("post1"),
      ),
    );
  });

  test("2. an unchanged up changes nothing and writes no file on any host", async () => {
    const files = hosts.hosts.slice(0, 4).map(deployedFiles);
    const ids = farmHosts().map(({ host, unit }) => invocation(host, unit));
    const again = await step("no-change pulumi up", up);
    assert.deepEqual(changed(again.byOp), []);
    assert.deepEqual(hosts.hosts.slice(0, 4).map(deployedFiles), files);
    assert.deepEqual(
      farmHosts().map(({ host, unit }) => invocation(host, unit)),
      ids,
    );
  });

  test("3. a wrong pinned key is refused and writes nothing; scale-out creates only the new host and restarts nothing", async () => {
    const h = H();
    const s3 = h.s3 as TestHost;
    const before3 = on(s3, "ls -A /etc/sealfarm /opt/sealfarm 2>&1 || true");
    writeFarm(farmConfig({ hostKey: (h.s1 as TestHost).hostKey }));
    await step("pulumi up to a host whose key differs from the pinned one", async () => {
      await assert.rejects(stack.up({ color: "never" }), (err: Error) => {
        assert.match(err.message, /host key mismatch: pinned SHA256:\S+, host presented SHA256:\S+/);
        assert.ok(err.message.includes(s3.hostKeyFingerprint), "names the key the host presented");
        return true;
      });
    });
    assert.equal(on(s3, "ls -A /etc/sealfarm /opt/sealfarm 2>&1 || true"), before3, "nothing written on s3");
    assert.equal(on(s3, "id -u sealfarm 2>/dev/null || echo none"), "none");

    writeFarm(farmConfig({ hostKey: s3.hostKey }));
    const ids = farmHosts().map(({ host, unit }) => invocation(host, unit));
    const pv = await step("scale-out pulumi preview", () => preview(false));
    const planned = changed(pv);
    assert.ok(planned.length > 0);
    for (const c of planned) assert.match(c, /^create s3(-|$)/, `only creates, all for s3: ${planned.join(", ")}`);
    const out = await step("scale-out pulumi up", up);
    assert.deepEqual(changed(out.byOp), planned);
    assert.deepEqual(
      farmHosts().map(({ host, unit }) => invocation(host, unit)),
      ids,
      "no restart on old hosts",
    );
    await step("wait for s3 to seal a sector", () =>
      until("a sector Active on s3", 10 * 60_000, sectors, (l) => activeBy(l, "s3") > 0),
    );
  });

  test("4. preview --refresh reports exactly the drifted config and the stopped unit; up repairs both, restarting only that worker", async () => {
    const h = H();
    on(h.s1 as TestHost, "echo '# tuned by hand' >> /etc/sealfarm/worker.toml");
    on(h.s2 as TestHost, "systemctl stop sealfarm-worker.service");
    const ids = farmHosts().map(({ host, unit }) => [host.name, invocation(host, unit)]);
    const pv = await step("pulumi preview --refresh", () => preview(true));
    assert.deepEqual(changed(pv), ["update s1-worker-toml", "update s2-worker-service"]);
    const fixed = await step("pulumi up (repair)", up);
    assert.deepEqual(changed(fixed.byOp), ["update s1-worker-toml", "update s2-worker-service"]);
    assert.doesNotMatch(on(h.s1 as TestHost, "cat /etc/sealfarm/worker.toml"), /tuned by hand/);
    const now = farmHosts().map(({ host, unit }) => [host.name, invocation(host, unit)]);
    for (const [i, [name, id]] of ids.entries()) {
      if (name === (h.s2 as TestHost).name) assert.notEqual(now[i]?.[1], id, "the stopped worker runs again");
      else assert.equal(now[i]?.[1], id, `${name} not restarted`);
    }
    assert.equal(on(h.s2 as TestHost, "systemctl is-active sealfarm-worker.service || true"), "active");
  });

  test("5. faults: SIGKILL during PC1 is restarted by systemd and the sector finishes; a manager restart mid-seal", async () => {
    const s1 = H().s1 as TestHost;
    const mgr = H().mgr as TestHost;
    await step("SIGKILL the s1 agent while a thread is in PC1", async () => {
      const restarts = Number(on(s1, "systemctl show -P NRestarts sealfarm-worker.service"));
      // Freeze the PC1 processor so a thread stays in PC1 (a state that stays, not one to catch in passing).
      // Anchored, so that the pattern does not also match (and stop) the shell running pkill.
      on(s1, "pkill -STOP -f '^[^ ]*/sealfarm-proofs processor pc1$'");
      const inPc1 = await until(
        "a thread of s1 in pc1",
        5 * 60_000,
        async () =>
          JSON.parse(on(s1, "cd /opt/sealfarm/current && node bin/sealfarm.js worker list --json")) as unknown,
        (v) => /"job_stage":"PC1"/.test(JSON.stringify(v)),
      );
      say(`s1 threads before the kill: ${JSON.stringify(inPc1).slice(0, 300)}`);
      const before = await sectors();
      // SIGKILL to the agent's main process only (a crash of the agent, not of its processors), then let the frozen
      // processor go: it exits with its parent's pipes closed.
      on(s1, "systemctl kill --kill-whom=main -s KILL sealfarm-worker.service");
      on(s1, "pkill -CONT -f '^[^ ]*/sealfarm-proofs processor pc1$' || true");
      await until(
        "systemd to restart the s1 agent",
        2 * 60_000,
        async () => [
          on(s1, "systemctl show -P NRestarts sealfarm-worker.service"),
          on(s1, "systemctl is-active sealfarm-worker.service || true"),
        ],
        ([n, a]) => Number(n) > restarts && a === "active",
      );
      const inFlight = before.filter((s) => s.Worker === "s1" && s.State !== "Active").map((s) => s.ID.Number);
      await until("the sectors s1 had in flight to go Active", 10 * 60_000, sectors, (l) =>
        inFlight.every((n) => l.some((s) => s.ID.Number === n && s.State === "Active")),
      );
    });
    await step("restart the manager mid-seal; the workers carry on", async () => {
      const workerIds = farmHosts()
        .slice(1)
        .map(({ host, unit }) => invocation(host, unit));
      const activeBefore = activeBy(await sectors());
      on(mgr, "systemctl restart sealfarm-manager.service");
      await until(
        "two more sectors Active after the manager restart",
        10 * 60_000,
        sectors,
        (l) => activeBy(l) >= activeBefore + 2,
      );
      assert.deepEqual(
        farmHosts()
          .slice(1)
          .map(({ host, unit }) => invocation(host, unit)),
        workerIds,
      );
    });
  });

  test("6. the SSH private key and the auth secret appear nowhere in plaintext beyond their 0600 files", async () => {
    const keyBody = hosts.clientPrivateKey.split("\n")[2] ?? "";
    assert.ok(keyBody.length > 20);
    const stateFiles: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else stateFiles.push(p);
      }
    };
    walk(join(work, "state"));
    assert.ok(
      stateFiles.some((f) => f.endsWith(`${stackName}.json`)),
      stateFiles.join(", "),
    );
    for (const f of [...stateFiles, stackFile]) {
      const text = readFileSync(f, "utf8");
      assert.ok(!text.includes(keyBody), `private key in ${f}`);
      assert.ok(!text.includes(AUTH_SECRET), `auth secret in ${f}`);
    }
    // Everything any host wrote is in its overlay's upper layer.
    for (const h of hosts.hosts) {
      const upper = join(hosts.dir, `upper_${h.name}`);
      const hits = grepTree(upper, [keyBody, AUTH_SECRET]);
      const allowed = h === H().mgr ? [join(upper, "var/lib/sealfarm/manager/auth.secret")] : [];
      assert.deepEqual(hits, allowed, `secrets on ${h.name}`);
      for (const f of allowed) assert.equal((statSync(f).mode & 0o777).toString(8), "600");
    }
  });

  // The persist store is a mount point (shared storage, like NFS): it is the operator's and keeps the sealed sectors.
  test("7. destroy leaves no deployed file, unit or directory on any host and the stack is removed", async () => {
    await step("pulumi destroy", () => stack.destroy({ color: "never" }));
    for (const h of hosts.hosts) {
      assert.equal(
        on(
          h,
          "ls -d /etc/sealfarm /opt/sealfarm /var/lib/sealfarm /sealfarm /etc/systemd/system/sealfarm-* 2>/dev/null || true",
        ),
        "",
        `left on ${h.name}`,
      );
      // systemd unloads a unit whose file is gone from its idle-priority garbage-collection queue, so right after
      // the daemon-reload a loaded machine may still list it as "not-found inactive dead". Unloaded stays
      // unloaded: wait for that (anything still active or with a file fails above or at the guard).
      const listUnits = "systemctl list-units --all --plain --no-legend 'sealfarm-*' || true";
      let listed = "";
      await waitFor(
        `systemd on ${h.name} to unload every sealfarm unit`,
        () => {
          listed = on(h, listUnits);
          return listed === "" ? true : undefined;
        },
        60_000,
        500,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}; still listed:\n${listed}\n${on(h, "systemctl status --no-pager 'sealfarm-*' 2>&1 || true")}`,
        );
      });
    }
    await stack.workspace.removeStack(stackName);
    const left = await stack.workspace.listStacks();
    assert.ok(!left.some((s) => s.name === stackName));
  });
});

/** Files under `dir` whose bytes contain any of `needles` (sorted paths). */
function grepTree(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(p, { throwIfNoEntry: false }) as ReturnType<typeof statSync>;
      } catch {
        continue;
      }
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 64 * 1024 * 1024) {
        const b = readFileSync(p);
        if (needles.some((n) => b.includes(n))) hits.push(p);
      }
    }
  };
  walk(dir);
  return hits.sort();
}
