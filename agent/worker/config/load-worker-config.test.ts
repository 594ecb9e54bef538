import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, formatProblem } from "../../../components/core/config/config-error.js";
import { keyPath, loadWorkerConfig, managerUrl, parseHotConfig, parseWorkerConfig } from "./load-worker-config.js";
import { mergeSealing } from "./worker-config.js";

const opts = { defaultBin: "/opt/sealfarm/sealfarm-proofs", baseDir: "/srv" };

// The reference's complete example (§1.8), trimmed of nothing that matters to the loader.
const example = `
[worker]
name = "sealer-01"
local_pieces_dirs = ["/mnt/pieces"]
scan_persist_stores = ["/mnt/persist/*"]

[metrics]
enable = true
http_listen = "0.0.0.0:9000"

[sector_manager]
rpc_client.addr = "/ip4/10.0.0.2/tcp/1789"
piece_token = "market-jwt"
token = "manager-token"

[sealing]
allowed_miners = [10123]
allowed_sizes = ["32GiB"]
enable_deals = true
max_deals = 3
min_deal_space = "8GiB"
max_retries = 5
seal_interval = "30s"
recover_interval = "60s"
rpc_polling_interval = "180s"

[[sealing_thread]]
location = "/mnt/nvme1/store1"

[[sealing_thread]]
location = "/mnt/nvme2/store2"
sealing.allowed_miners = [10124]

[[sealing_thread]]
location = "/mnt/nvme3/snap1"
plan = "snapup"

[[sealing_thread]]
plan = "wdpost"
sealing.recover_interval = "15s"

[[attached]]
name = "persist-1"
location = "/mnt/persist-1"

[[attached]]
name = "persist-old"
location = "/mnt/persist-old"
readonly = true

[processors.limitation.concurrent]
add_pieces = 4
pc1 = 4
pc2 = 2

[processors.limitation.staggered]
pc1 = "5min"

[processors.ext_locks]
gpu0 = 1

[processors.static_tree_d]
32GiB = "/var/tmp/32g/sc-02-data-tree-d.dat"

[[processors.add_pieces]]

[[processors.pc1]]
numa_preferred = 0
cgroup.cpuset = "0-7"
concurrent = 2
envs = { FIL_PROOFS_USE_MULTICORE_SDR = "1" }

[[processors.pc2]]
cgroup.cpuset = "8-11,24-27"
locks = ["gpu0"]
envs = { CUDA_VISIBLE_DEVICES = "0" }

[[processors.c2]]
bin = "/usr/local/bin/c2-outsource"
args = ["--url", "https://c2.example"]
auto_restart = false
inherit_envs = false
stable_wait = "20s"
`;

function problemsOf(text: string): string[] {
  try {
    parseWorkerConfig(text, "worker.toml", opts);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => formatProblem(p, false));
  }
  assert.fail("expected a ConfigError");
}

const minimal = (extra = "") => `
[sector_manager]
rpc_client.addr = "http://127.0.0.1:1789"
[[sealing_thread]]
location = "/tmp/t0"
${extra}`;

describe("worker config", () => {
  it("loads damocles' complete example with every default filled in", () => {
    const { config, warnings } = parseWorkerConfig(example, "worker.toml", opts);
    assert.deepEqual(warnings, []);
    assert.equal(config.worker.name, "sealer-01");
    assert.equal(config.worker.rpcPort, 17890);
    assert.equal(config.worker.pingIntervalMs, 30_000);
    assert.equal(config.sectorManager.url, "http://10.0.0.2:1789");
    assert.equal(config.sectorManager.token, "manager-token");
    assert.equal(config.sealing.minDealSpace, 8 * 1024 ** 3);
    assert.deepEqual(config.sealing.allowedSizes, [32 * 1024 ** 3]);
    assert.deepEqual(
      config.threads.map((t) => [t.index, t.plan, t.location]),
      [
        [0, "sealer", "/mnt/nvme1/store1"],
        [1, "sealer", "/mnt/nvme2/store2"],
        [2, "snapup", "/mnt/nvme3/snap1"],
        [3, "wdpost", undefined],
      ],
    );
    assert.equal(config.threads[3]?.sealing.recoverIntervalMs, 15_000);
    assert.deepEqual(config.attached[1], { name: "persist-old", location: "/mnt/persist-old", readonly: true });
    assert.deepEqual(config.processors.concurrent, { add_pieces: 4, pc1: 4, pc2: 2 });
    assert.deepEqual(config.processors.staggeredMs, { pc1: 300_000 });
    const pc1 = config.processors.entries.pc1?.[0];
    assert.equal(pc1?.bin, "/opt/sealfarm/sealfarm-proofs");
    assert.deepEqual(pc1?.args, ["processor", "pc1"]);
    assert.equal(pc1?.stableWaitMs, 5000);
    assert.equal(pc1?.cpuset, "0-7");
    assert.equal(pc1?.concurrent, 2);
    assert.equal(pc1?.autoRestart, true);
    const c2 = config.processors.entries.c2?.[0];
    assert.deepEqual(
      [c2?.bin, c2?.args, c2?.autoRestart, c2?.inheritEnvs, c2?.stableWaitMs],
      ["/usr/local/bin/c2-outsource", ["--url", "https://c2.example"], false, false, 20_000],
    );
    assert.equal(config.processors.entries.add_pieces?.[0]?.envs.PIECE_FETCHER_TOKEN, "market-jwt");
    assert.equal(config.processors.entries.tree_d, undefined);
  });

  it("merges sealing options per field: defaults < [sealing] < thread < hot file", () => {
    const { config } = parseWorkerConfig(example, "worker.toml", opts);
    const t1 = config.threads[1];
    assert.ok(t1);
    const eff = mergeSealing(config.sealing, t1.sealing, { maxRetries: 1 });
    assert.deepEqual(eff.allowedMiners, [10124]);
    assert.equal(eff.maxDeals, 3);
    assert.equal(eff.maxRetries, 1);
    assert.equal(eff.requestTaskMaxRetries, 3);
    assert.equal(mergeSealing().recoverIntervalMs, 60_000);
  });

  it("names the key path and the expectation for type errors, all at once", () => {
    const problems = problemsOf(
      minimal(`
[sealing]
max_retries = "five"
seal_interval = 30
[[processors.pc1]]
concurrent = 0
cgroup.cpuset = "0-7,"
`),
    );
    assert.deepEqual(problems.sort(), [
      'processors.pc1[0].cgroup.cpuset: expected a CPU list like "0-7,16", got "0-7," (a string)',
      "processors.pc1[0].concurrent: expected a number >= 1, got 0 (a number)",
      'sealing.max_retries: expected an integer, got "five" (a string)',
      'sealing.seal_interval: expected a duration like "30s", "5min" or "1h 30m", got 30 (a number)',
    ]);
  });

  it("rejects bad durations, sizes, plans and addresses with the offending value", () => {
    // A bad address and size, with the recover interval under test.
    const bad = (recoverInterval: string) => `
[sector_manager]
rpc_client.addr = "/ip4/10.0.0.2/udp/1789"
[sealing]
recover_interval = "${recoverInterval}"
allowed_sizes = ["4KiB"]
[[sealing_thread]]
plan = "sealer"
`;
    // A misspelt plan is named first: the schema check stops there, before the values are read.
    const problems = problemsOf(`${bad("60 parsecs")}[[sealing_thread]]\nlocation = "/a"\nplan = "sealr"\n`);
    assert.ok(
      problems.some((p) => p.startsWith('sealing_thread[1].plan: expected one of "sealer", "snapup"')),
      problems.join("\n"),
    );
    assert.ok(
      problems.includes(
        'sealing.recover_interval: expected a duration like "30s", "5min" or "1h 30m", got "60 parsecs" (a string)',
      ),
      problems.join("\n"),
    );
    const again = problemsOf(bad("0s"));
    assert.deepEqual(again, [
      'sector_manager.rpc_client.addr: expected a multiaddr like "/ip4/10.0.0.2/tcp/1789" or a URL, got "/ip4/10.0.0.2/udp/1789"',
      'sealing.allowed_sizes[0]: expected a sector size, one of "2KiB", "8MiB", "512MiB", "32GiB", "64GiB", got "4KiB"',
      'sealing.recover_interval: expected a duration above 0, got "0s"',
      'sealing_thread[0].location: required for plan "sealer" (only wdpost threads may omit it)',
    ]);
  });

  it("requires sector_manager and sealing_thread", () => {
    assert.deepEqual(problemsOf(`[worker]\nname = "x"\n`), [
      'sector_manager: expected the required key "sector_manager", got nothing',
      'sealing_thread: expected the required key "sealing_thread", got nothing',
    ]);
  });

  it("checks lock names against ext_locks", () => {
    assert.deepEqual(problemsOf(minimal(`[[processors.pc2]]\nlocks = ["gpu1"]\n`)), [
      'processors.pc2[0].locks[0]: "gpu1" is not defined in processors.ext_locks',
    ]);
  });

  it("reports TOML syntax errors with the file", () => {
    assert.throws(
      () => parseWorkerConfig("[sealing\nmax_retries = 1", "w.toml", opts),
      (e: unknown) => e instanceof ConfigError && /^w\.toml: not valid TOML: /.test(e.message),
    );
  });

  it("warns about unknown keys by name and still loads", () => {
    const { config, warnings } = parseWorkerConfig(
      minimal(`
[remote_store]
name = "old"
[sealing]
max_retry = 3
[[processors.pc1]]
weight = 2
`),
      "worker.toml",
      opts,
    );
    assert.deepEqual(warnings.sort(), [
      "worker.toml: processors.pc1[0].weight: unknown key, ignored",
      "worker.toml: remote_store: unknown key, ignored",
      "worker.toml: sealing.max_retry: unknown key, ignored",
    ]);
    assert.equal(config.threads.length, 1);
  });

  it("skips a duplicate location with a warning and keeps thread indices as file positions", () => {
    const { config, warnings } = parseWorkerConfig(
      minimal(`[[sealing_thread]]\nlocation = "/tmp/t0"\n[[sealing_thread]]\nlocation = "t2"\n`),
      "worker.toml",
      opts,
    );
    assert.deepEqual(
      config.threads.map((t) => [t.index, t.location]),
      [
        [0, "/tmp/t0"],
        [2, "/srv/t2"],
      ],
    );
    assert.match(warnings[0] ?? "", /sealing_thread\[1\]\.location: \/tmp\/t0 is already used/);
  });

  it("compares locations after normalisation: ./, trailing slashes and symbolic links name one store", () => {
    const root = mkdtempSync(join(tmpdir(), "sealfarm-locations-"));
    try {
      mkdirSync(join(root, "nvme0", "store00"), { recursive: true });
      symlinkSync(join(root, "nvme0", "store00"), join(root, "fast"));
      const { config, warnings } = parseWorkerConfig(
        minimal(
          [
            `[[sealing_thread]]\nlocation = "${root}/nvme0/./store00"`,
            `[[sealing_thread]]\nlocation = "${root}/nvme0/store00/"`,
            `[[sealing_thread]]\nlocation = "${root}/fast"`,
            `[[sealing_thread]]\nlocation = "${root}/nvme0/../nvme0/store01"`,
          ].join("\n"),
        ),
        "worker.toml",
        { ...opts, baseDir: root },
      );
      assert.deepEqual(
        config.threads.slice(1).map((t) => [t.index, t.location]),
        [
          [1, join(root, "nvme0", "store00")],
          [4, join(root, "nvme0", "store01")],
        ],
      );
      assert.equal(warnings.length, 2, warnings.join("\n"));
      assert.match(
        warnings[0] ?? "",
        /sealing_thread\[2\]\.location: .*store00 is already used .*index 2 stays unused/,
      );
      assert.match(warnings[1] ?? "", /sealing_thread\[3\]\.location: .*store00 is already used/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("binds the worker RPC on every interface by default, as damocles does", () => {
    const { config } = parseWorkerConfig(minimal(`[[sealing_thread]]\nlocation = "/tmp/t0"\n`), "worker.toml", opts);
    assert.equal(config.worker.rpcHost, "0.0.0.0");
    assert.equal(config.worker.rpcPort, 17890);
    assert.equal(config.worker.name, undefined);
  });

  it("parses manager addresses the way damocles does", () => {
    assert.equal(managerUrl("/ip4/10.0.0.2/tcp/1789"), "http://10.0.0.2:1789");
    assert.equal(managerUrl("/ip6/::1/tcp/1789/https"), "https://[::1]:1789");
    assert.equal(managerUrl("/dns/manager.lan/tcp/1789"), "http://manager.lan:1789");
    assert.equal(managerUrl("http://h:1789/anything"), "http://h:1789");
    assert.throws(() => managerUrl("ftp://h"), /http or https/);
  });

  it("parses the hot config file", () => {
    const { hot, warnings } = parseHotConfig('plan = "wdpost"\nsealing.max_retries = 1\nlocation = "/x"\n', "hot.toml");
    assert.equal(hot.plan, "wdpost");
    assert.equal(hot.sealing.maxRetries, 1);
    assert.deepEqual(warnings, ["hot.toml: location: unknown key, ignored"]);
    assert.throws(
      () => parseHotConfig('sealing.seal_interval = "soon"', "hot.toml"),
      /hot\.toml: sealing\.seal_interval: expected a duration/,
    );
  });

  it("renders key paths from JSON pointers", () => {
    assert.equal(keyPath("/sealing_thread/0/sealing/max_retries"), "sealing_thread[0].sealing.max_retries");
    assert.equal(keyPath("/processors/static_tree_d", "32 GiB"), 'processors.static_tree_d."32 GiB"');
  });
});

describe("issue 15: values that break at run time are refused at load", () => {
  const base = (extra: string, addr = "/ip4/127.0.0.1/tcp/1789") =>
    `[sector_manager.rpc_client]\naddr = "${addr}"\n[[sealing_thread]]\nlocation = "store"\n${extra}\n`;
  const problemsOf = (text: string): string[] => {
    try {
      parseWorkerConfig(text, "w.toml", opts);
    } catch (e) {
      assert.ok(e instanceof ConfigError, String(e));
      return e.problems.map((p) => formatProblem(p, false));
    }
    assert.fail(`expected a ConfigError for ${text}`);
  };

  it("each case names the key path and what was expected", () => {
    const cases: [string, string][] = [
      [
        base("[processors.limitation.concurrent]\npc1 = 0"),
        "processors.limitation.concurrent.pc1: expected a number >= 1, got 0 (a number)",
      ],
      [base("[processors.limit]\npc2 = 0"), "processors.limit.pc2: expected a number >= 1, got 0 (a number)"],
      [
        base("[[processors.pc1]]\nnuma_preferred = 100000"),
        "processors.pc1[0].numa_preferred: expected a number <= 255, got 100000 (a number)",
      ],
      [base("[sealing]\nmax_retries = inf"), "sealing.max_retries: expected a finite number, got Infinity"],
      [
        base("[[processors.pc1]]\nconcurrent = 1e308"),
        "processors.pc1[0].concurrent: expected a finite number, got 1e+308",
      ],
      [base('[worker]\nping_interval = "0s"'), 'worker.ping_interval: expected a duration above 0, got "0s"'],
      [
        base('[sealing]\nrecover_interval = "999999999h"'),
        'sealing.recover_interval: expected a duration of at most 24 days, got "999999999h"',
      ],
      [
        base('[metrics]\nhttp_listen = "127.0.0.1:99999"'),
        'metrics.http_listen: expected a port 0-65535 in "host:port", got "127.0.0.1:99999"',
      ],
    ];
    for (const [text, expected] of cases) assert.deepEqual(problemsOf(text), [expected], text);
  });

  it('a bad multiaddr names the key instead of "Invalid URL"', () => {
    const cases: [string, string][] = [
      ["/ip4/1.2.3.4/tcp/99999", 'expected a TCP port 1-65535 in the multiaddr, got "/ip4/1.2.3.4/tcp/99999"'],
      ["/ip4/not a host/tcp/1789", 'expected a valid ip4 host in the multiaddr, got "/ip4/not a host/tcp/1789"'],
      ["/ip6/zz/tcp/1789", 'expected a valid ip6 host in the multiaddr, got "/ip6/zz/tcp/1789"'],
      ["/dns/a b/tcp/1789", 'expected a valid dns host in the multiaddr, got "/dns/a b/tcp/1789"'],
    ];
    for (const [addr, expected] of cases)
      assert.deepEqual(problemsOf(base("", addr)), [`sector_manager.rpc_client.addr: ${expected}`], addr);
    assert.equal(managerUrl("/dns/manager.example/tcp/1789/https"), "https://manager.example:1789");
  });

  it("a sealing location that is a file is refused at load, naming the key (no stack trace at run time)", () => {
    const dir = mkdtempSync(join(tmpdir(), "sealfarm-wcfg-"));
    try {
      writeFileSync(join(dir, "afile"), "x");
      const file = join(dir, "worker.toml");
      writeFileSync(
        file,
        `[sector_manager.rpc_client]\naddr = "/ip4/127.0.0.1/tcp/1789"\n[[sealing_thread]]\nlocation = "afile"\n[[attached]]\nname = "p"\nlocation = "afile"\n`,
      );
      assert.throws(
        () => loadWorkerConfig(file, { defaultBin: "x" }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message ===
            [
              `${file}: sealing_thread[0].location: expected a directory (or nothing, to be created) at ${dir}/afile, found a file`,
              `${file}: attached[0].location: expected a directory (or nothing, to be created) at ${dir}/afile, found a file`,
            ].join("\n"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("[sealfarm] (sealfarm's own section; damocles-worker ignores it)", () => {
  it("defaults: loopback trusted, no secret, /metrics open, no TLS pin", () => {
    const { config, warnings } = parseWorkerConfig(minimal(), "worker.toml", opts);
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.security, {
      secretFile: undefined,
      trusted: ["127.0.0.0/8", "::1/128"],
      openMetrics: true,
      maxConnections: 256,
      maxConnectionsPerIp: 32,
      managerCaFile: undefined,
      managerFingerprint: undefined,
    });
  });

  it("reads the RPC access rules and the manager pin, paths relative to the file", () => {
    const fp = `sha256:${"ab:".repeat(31)}cd`;
    const { config } = parseWorkerConfig(
      minimal(
        `[sealfarm.rpc]\nsecret_file = "worker.secret"\ntrusted = ["10.0.0.0/8"]\nopen_metrics = false\n[sealfarm.tls]\nmanager_ca_file = "manager.crt"\nmanager_fingerprint = "${fp}"\n`,
      ),
      "worker.toml",
      opts,
    );
    assert.equal(config.security.secretFile, "/srv/worker.secret");
    assert.deepEqual(config.security.trusted, ["10.0.0.0/8"]);
    assert.equal(config.security.openMetrics, false);
    assert.equal(config.security.managerCaFile, "/srv/manager.crt");
    assert.equal(config.security.managerFingerprint, fp.toUpperCase().replace("SHA256:", "sha256:"));
  });

  it("names the key of a bad CIDR, a bad pin or a per-address cap over the total", () => {
    assert.deepEqual(
      problemsOf(
        minimal(
          `[sealfarm.rpc]\ntrusted = ["10.0.0.0/40", "abc"]\nmax_connections = 4\nmax_connections_per_ip = 8\n[sealfarm.tls]\nmanager_fingerprint = "AB:CD"\n`,
        ),
      ),
      [
        'sealfarm.tls.manager_fingerprint: expected a SHA-256 fingerprint like "sha256:AB:CD:…" (32 hex pairs; sealfarm manager tls init prints it), got "AB:CD" (a string)',
      ],
    );
    assert.deepEqual(
      problemsOf(
        minimal(`[sealfarm.rpc]\ntrusted = ["10.0.0.0/40", "abc"]\nmax_connections = 4\nmax_connections_per_ip = 8\n`),
      ),
      [
        'sealfarm.rpc.trusted[0]: expected a prefix length 0-32 for an IPv4 address, got "10.0.0.0/40"',
        'sealfarm.rpc.trusted[1]: expected an IP address or CIDR like "10.0.0.0/8" or "::1/128", got "abc"',
        "sealfarm.rpc.max_connections_per_ip: expected ≤ sealfarm.rpc.max_connections (4), got 8",
      ],
    );
  });
});
