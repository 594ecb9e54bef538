import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseDurationMs } from "./duration.js";
import { checkManagerToml, loadManagerConfig, parseManagerToml } from "./load-manager-config.js";
import { ConfigError, defaultManagerToml } from "./manager-config.js";
import { renderManagerToml } from "./render-manager-toml.js";

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
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

test("errors name the file, the key and what was expected", () => {
  assert.deepEqual(problems('[chain]\nblock_time = "fast"'), [
    'manager.toml: /chain/block_time: expected a duration like "500ms" or "30s", got "fast"',
  ]);
  assert.deepEqual(problems("[chain]\nblocktime = 1"), ['manager.toml: /chain: unknown key "blocktime"']);
  assert.deepEqual(problems('[db]\nsynchronous = "off"'), [
    'manager.toml: /db/synchronous: expected one of "full", "normal", got "off"',
  ]);
  assert.match(
    problems("[[miners]]\nactor = 12")[0] ?? "",
    /\/miners\/0\/actor: expected a value that must be >= 1000, got 12/,
  );
  assert.match(problems("[[persist_stores]]\nname = 'a'")[0] ?? "", /\/persist_stores\/0: missing required key "path"/);
  assert.match(problems("listen = 1789")[0] ?? "", /\/listen: expected a value that must be string, got 1789/);
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
          e.problems.map((p) => p.replace(home, "HOME")),
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
  assert.throws(() => parseDurationMs("5 m"), /expected a duration/);
});
