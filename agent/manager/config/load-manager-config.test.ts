import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError } from "../../../components/core/config/config-error.js";
import { defaultManagerToml } from "../../../components/core/config/manager-toml.js";
import { renderManagerToml } from "../../../components/core/render/manager-toml-text.js";
import { parseDurationMs } from "../../../components/core/units/duration.js";
import { checkManagerToml, loadManagerConfig, parseManagerToml } from "./load-manager-config.js";

test("an empty file takes every default from the schema", () => {
  assert.deepEqual(parseManagerToml("m.toml", ""), defaultManagerToml());
});

test("the rendered default file parses back to the defaults and comments every key", () => {
  const text = renderManagerToml(defaultManagerToml());
  assert.deepEqual(parseManagerToml("m.toml", text), defaultManagerToml());
  const keys = text.split("\n").filter((l) => /^[a-z_]+ = /.test(l));
  const comments = text.split("\n").filter((l) => l.includes("Default: "));
  assert.equal(keys.length, comments.length);
  assert.ok(keys.length >= 25, `only ${keys.length} keys rendered`);
});

function problems(text: string): string[] {
  try {
    parseManagerToml("manager.toml", text);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.lines;
  }
  assert.fail("expected a ConfigError");
}

test("errors name the file, the key and what was expected", () => {
  assert.deepEqual(problems('[chain]\nblock_time = "fast"'), [
    'manager.toml: /chain/block_time: expected a duration like "30s", "5min" or "1h 30m", got "fast" (a string)',
  ]);
  assert.deepEqual(problems("[chain]\nblocktime = 1"), [
    'manager.toml: /chain/blocktime: expected one of the keys "kind", "url", "token_file", "token_env", "api_info_env", "block_time", "precommit_challenge_delay", "confidence", "ticket_lookback", "proving_period", "deadlines", "fees", got the unknown key "blocktime"',
  ]);
  // A ticket must be drawn before the head, and one older than MaxPreCommitRandomnessLookback (3780) is refused.
  assert.deepEqual(problems("[chain]\nticket_lookback = 0"), [
    "manager.toml: /chain/ticket_lookback: expected a number >= 1, got 0 (a number)",
  ]);
  assert.deepEqual(problems("[chain]\nticket_lookback = 3780"), [
    "manager.toml: /chain/ticket_lookback: expected a number <= 3779, got 3780 (a number)",
  ]);
  assert.deepEqual(problems('[db]\nsynchronous = "off"'), [
    'manager.toml: /db/synchronous: expected one of "full", "normal", got "off" (a string)',
  ]);
  assert.match(
    problems("[[miners]]\nactor = 12")[0] ?? "",
    /\/miners\/0\/actor: expected a number >= 1000, got 12 \(a number\)/,
  );
  assert.match(
    problems("[[persist_stores]]\nname = 'a'")[0] ?? "",
    /\/persist_stores\/0\/path: expected the required key "path", got nothing/,
  );
  assert.match(
    problems("listen = 1789")[0] ?? "",
    /\/listen: expected "host:port" like "127.0.0.1:1789" \("\[::1\]:1789" for IPv6\), got 1789 \(a number\)/,
  );
  assert.match(problems("[chain\nx=1")[0] ?? "", /^manager.toml: not valid TOML/);
  assert.equal(problems('[chain]\nblock_time = "x"\nconfidence = -1').length, 2);
});

test("cross-field problems are reported with their keys", () => {
  const home = mkdtempSync(join(tmpdir(), "sealfarm-mcfg-"));
  try {
    writeFileSync(
      join(home, "manager.toml"),
      "[chain]\nproving_period = 10\ndeadlines = 4\n[[miners]]\nactor = 1000\nmin_number = 9\nmax_number = 3\n[[miners]]\nactor = 1000\n",
    );
    assert.throws(
      () => loadManagerConfig(home),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(
          e.lines.map((p) => p.replace(home, "HOME")),
          [
            "HOME/manager.toml: /miners/0/max_number: expected ≥ min_number (9), got 3",
            "HOME/manager.toml: /miners/1/actor: actor 1000 is listed twice",
            "HOME/manager.toml: /chain/proving_period: expected a multiple of chain.deadlines (4), got 10",
          ],
        );
        return true;
      },
    );
    rmSync(join(home, "manager.toml"));
    assert.throws(() => loadManagerConfig(home), /not found \(run `sealfarm manager init/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("resolved config: paths under the home, durations in ms", () => {
  const home = mkdtempSync(join(tmpdir(), "sealfarm-mcfg-"));
  try {
    writeFileSync(join(home, "manager.toml"), '[chain]\nblock_time = "200ms"\n');
    const c = loadManagerConfig(home);
    assert.equal(c.dbUrl, `sqlite://${home}/manager.db`);
    assert.equal(c.chain.blockTimeMs, 200);
    assert.equal(c.port, 1789);
    assert.equal(c.miners[0]?.sealProof, 5);
    assert.equal(c.persistStores[0]?.path, join(home, "persist-1"));
    assert.deepEqual(checkManagerToml("x", { miners: [{ actor: 2000 }] }).miners[0]?.seal_proof, "StackedDrg2KiBV1_1");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  assert.equal(parseDurationMs("5m"), 300_000);
  assert.equal(parseDurationMs("5 m"), 300_000);
  assert.throws(() => parseDurationMs("5 parsecs"), /expected a duration/);
});

/** Loads `text` as `<home>/manager.toml` (with a file `afile` and a directory `adir` beside it); its problems. */
function loadProblems(text: string): string[] {
  const home = mkdtempSync(join(tmpdir(), "sealfarm-mcfg-"));
  try {
    writeFileSync(join(home, "afile"), "x");
    mkdirSync(join(home, "adir"));
    writeFileSync(join(home, "manager.toml"), text);
    loadManagerConfig(home);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.lines.map((p) => p.replaceAll(home, "HOME"));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  assert.fail(`expected a ConfigError for ${text}`);
}

test("issue 15: values that would break at run time are refused at load, naming the file and the key", () => {
  const cases: [string, string][] = [
    [
      '[chain]\nblock_time = "0s"',
      'HOME/manager.toml: /chain/block_time: expected a duration above 0 and at most 24 days (2147483647ms), got "0s"',
    ],
    [
      '[post]\nheartbeat_timeout = "9999999999h"',
      'HOME/manager.toml: /post/heartbeat_timeout: expected a duration above 0 and at most 24 days (2147483647ms), got "9999999999h"',
    ],
    ["[rpc]\nmax_body_bytes = inf", "HOME/manager.toml: /rpc/max_body_bytes: expected a finite number, got Infinity"],
    ["[rpc]\nmax_body_bytes = nan", "HOME/manager.toml: /rpc/max_body_bytes: expected a finite number, got NaN"],
    ["[batching]\nmax_batch = 1e308", "HOME/manager.toml: /batching/max_batch: expected a finite number, got 1e+308"],
    [
      "[rpc]\nmax_body_bytes = 99999999999",
      "HOME/manager.toml: /rpc/max_body_bytes: expected a number <= 1073741824, got 99999999999 (a number)",
    ],
    [
      '[proofs]\nbin = "/nonexistent/sealfarm-proofs"',
      "HOME/manager.toml: /proofs/bin: expected a file at /nonexistent/sealfarm-proofs, found nothing there",
    ],
    [
      '[piece_store]\npath = "afile"',
      "HOME/manager.toml: /piece_store/path: expected a directory or nothing at HOME/afile, found a file",
    ],
    [
      '[[persist_stores]]\nname = "p"\npath = "afile"',
      "HOME/manager.toml: /persist_stores/0/path: expected a directory or nothing at HOME/afile, found a file",
    ],
    [
      '[[miners]]\nactor = 1000\nseal_proof = "StackedDrg2KiBV1_1_Feat_SyntheticPoRep"',
      'HOME/manager.toml: /miners/0/seal_proof: expected an interactive PoRep type (StackedDrg<size>V1_1): synthetic and non-interactive PoRep are not supported, got "StackedDrg2KiBV1_1_Feat_SyntheticPoRep"',
    ],
    [
      '[[persist_stores]]\nname = "p"\npath = "/../../etc"',
      'HOME/manager.toml: /persist_stores/0/path: expected a path without ".." segments, got "/../../etc"',
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(loadProblems(text), [expected], text);
});

test("issue 15: config errors name the file and the key (trusted, listen, secret_file, database directory)", () => {
  const cases: [string, string][] = [
    [
      '[auth]\ntrusted = ["10.0.0.0/40"]',
      'HOME/manager.toml: /auth/trusted/0: expected a prefix length 0-32 for an IPv4 address, got "10.0.0.0/40"',
    ],
    [
      '[auth]\ntrusted = ["abc"]',
      'HOME/manager.toml: /auth/trusted/0: expected an IP address or CIDR like "10.0.0.0/8" or "::1/128", got "abc"',
    ],
    [
      'listen = "127.0.0.1:99999"',
      'HOME/manager.toml: /listen: expected a port 0-65535 in "host:port", got "127.0.0.1:99999"',
    ],
    [
      '[auth]\nsecret_file = "adir"',
      "HOME/manager.toml: /auth/secret_file: expected a file or nothing at HOME/adir, found a directory",
    ],
    [
      '[db]\nurl = "sqlite://missing/manager.db"',
      "HOME/manager.toml: /db/url: expected a directory at HOME/missing, found nothing there",
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(loadProblems(text), [expected], text);
});

test("issue 17: [chain] for a Lotus node, fees and batching resolve; every mistake names the file and the key", () => {
  const home = mkdtempSync(join(tmpdir(), "sealfarm-mcfg-"));
  try {
    writeFileSync(
      join(home, "manager.toml"),
      [
        "[chain]",
        'kind = "lotus"',
        'url = "http://10.0.0.5:1234/rpc/v1"',
        'token_file = "lotus.token"',
        "confidence = 5",
        "[chain.fees]",
        'precommit_max_fee = "0.02 FIL"',
        'wdpost_max_fee = "5000 attoFIL"',
        "[batching]",
        "max_batch = 8",
        'max_wait = "1m"',
        "provecommit_max_batch = 16",
        'provecommit_max_wait = "10m"',
        "aggregate_commits = false",
      ].join("\n"),
    );
    const c = loadManagerConfig(home);
    assert.deepEqual(c.chain.target, {
      kind: "lotus",
      url: "http://10.0.0.5:1234/rpc/v1",
      token: { file: join(home, "lotus.token") },
    });
    assert.equal(c.chain.confidence, 5);
    assert.deepEqual(c.chain.maxFee, {
      precommit: 20_000_000_000_000_000n,
      provecommit: 50_000_000_000_000_000n,
      wdpost: 5000n,
      recovery: 50_000_000_000_000_000n,
      snapup: 50_000_000_000_000_000n,
    });
    assert.deepEqual(c.batching.precommit, { maxBatch: 8, maxWaitMs: 60_000 });
    assert.deepEqual(c.batching.provecommit, { maxBatch: 16, maxWaitMs: 600_000 });
    assert.equal(c.batching.commitPolicy.aggregateCommits, false);
    assert.equal(c.batching.commitPolicy.aggregateAboveBaseFee, 150_000_000n);
    assert.deepEqual(loadManagerConfigIn(home, "").chain.target, { kind: "devnet" }, "the default is the devnet");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  assert.deepEqual(loadProblems('[chain]\nkind = "lotus"'), [
    'HOME/manager.toml: /chain/url: required for a Lotus node, e.g. "http://127.0.0.1:1234/rpc/v1" (or set api_info_env)',
  ]);
  assert.deepEqual(loadProblems('[chain]\nkind = "lotsu"'), [
    'HOME/manager.toml: /chain/kind: expected one of "devnet", "lotus", got "lotsu" (a string)',
  ]);
  assert.deepEqual(
    loadProblems('[chain]\nkind = "lotus"\nurl = "http://n:1234/rpc/v1"\ntoken_file = "t"\ntoken_env = "T"'),
    ["HOME/manager.toml: /chain/token_env: give the token once: token_file or token_env, not both"],
  );
  assert.deepEqual(loadProblems('[chain]\nkind = "devnet"\nurl = "http://n:1234/rpc/v1"'), [
    'HOME/manager.toml: /chain/url: not used with kind = "devnet" (remove it, or set kind = "lotus")',
  ]);
  assert.deepEqual(loadProblems('[chain]\nkind = "lotus"\nurl = "ftp://n/rpc/v1"').length, 1);
  assert.match(
    loadProblems('[chain]\nkind = "lotus"\nurl = "ftp://n/rpc/v1"')[0] ?? "",
    /^HOME\/manager.toml: \/chain\/url: /,
  );
  assert.deepEqual(loadProblems('[chain.fees]\nprecommit_max_fee = "a lot"'), [
    'HOME/manager.toml: /chain/fees/precommit_max_fee: expected an amount like "0.05 FIL" or "5000 attoFIL", got "a lot" (a string)',
  ]);
  assert.deepEqual(loadProblems('[chain.fees]\nwdpost_max_fee = "0 FIL"'), [
    'HOME/manager.toml: /chain/fees/wdpost_max_fee: expected an amount above 0, got "0 FIL"',
  ]);
  assert.deepEqual(loadProblems('[batching]\nprecommit_max_wait = "soon"'), [
    'HOME/manager.toml: /batching/precommit_max_wait: expected a duration like "30s", "5min" or "1h 30m", got "soon" (a string)',
  ]);
  assert.deepEqual(loadProblems("[batching]\nmin_commit_batch = 2"), [
    "HOME/manager.toml: /batching/min_commit_batch: expected a number >= 4, got 2 (a number)",
  ]);
});

/** Loads a config from `text` written as manager.toml in `home`. */
function loadManagerConfigIn(home: string, text: string) {
  writeFileSync(join(home, "manager.toml"), text);
  return loadManagerConfig(home);
}
