// Issue 15, the manager as a real child process on a bad day: SIGTERM in the middle of 200 allocations (every
// request is answered or leaves no row), stderr on a full disk (/dev/full: the manager keeps serving), PUT
// /piecestore when the proofs binary fails or the piece store is full (an answer, not a hang, and no "cut short").
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openDatabase } from "../../../agent/manager/db/dialect.js";
import { computeCommP, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { createVenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { type ListeningChild, startManagerChild } from "../../support/child-process.js";
import { freshDatabase, type TestDatabase } from "./dialects.js";

function writeToml(tdb: TestDatabase, extra = ""): void {
  writeFileSync(
    join(tdb.home, "manager.toml"),
    `listen = "127.0.0.1:0"\n[db]\nurl = "${tdb.url}"\n[chain]\nblock_time = "100ms"\n${extra}`,
  );
}

describe("manager child process", () => {
  const dbs: TestDatabase[] = [];
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const d of dbs) await d.drop();
  });

  test("SIGTERM mid-flight: every answered allocation has its row, the rest are reclaimable, and the manager exits 0", async () => {
    const tdb = await freshDatabase("sqlite");
    dbs.push(tdb);
    writeToml(tdb);
    const m = await startManagerChild(tdb.home);
    children.push(m.child);
    const client = createVenusClient({ url: m.url, timeoutMs: 60_000 });
    const calls = Array.from({ length: 200 }, () =>
      client.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]),
    );
    // Stop once the first answer arrived, so requests are in flight on both sides of the signal.
    await Promise.any(calls);
    m.child.kill("SIGTERM");
    const results = await Promise.allSettled(calls);
    assert.equal(await m.exited, 0);
    client.close();
    const answered = results
      .filter((r): r is PromiseFulfilledResult<Awaited<(typeof calls)[number]>> => r.status === "fulfilled")
      .map((r) => r.value?.ID.Number);
    const db = openDatabase(tdb.url);
    try {
      const rows = await db.selectFrom("sectors").select(["number", "worker", "state"]).orderBy("number").execute();
      const numbers = new Set(rows.map((r) => Number(r.number)));
      for (const n of answered) assert.ok(numbers.has(n ?? -1), `answered allocation ${n} has its row`);
      // A row whose reply did not get out (cut after the grace period) is one the reclaim sweep takes: Allocated,
      // no worker. Under a normal load there is none.
      const unanswered = rows.filter((r) => !answered.includes(Number(r.number)));
      for (const r of unanswered) assert.deepEqual([r.state, r.worker], ["Allocated", null]);
      assert.ok(unanswered.length <= 5, `${unanswered.length} rows without an answer`);
    } finally {
      await db.destroy();
    }
    assert.ok(answered.length >= 1);
    assert.match(m.out(), /sealfarm manager: stopped/);
  });

  test("with stderr on a full disk and a failing proofs binary, PUT /piecestore is answered and the manager lives", async () => {
    const tdb = await freshDatabase("sqlite");
    dbs.push(tdb);
    const piece = join(tdb.home, "piece.bin");
    writeFileSync(piece, Buffer.alloc(1000, 3));
    const { piece_cid: cid } = await computeCommP(resolveProofsBin(""), piece);
    const failing = join(tdb.home, "failing-proofs");
    writeFileSync(failing, "#!/bin/sh\necho 'boom: out of memory' >&2\nexit 3\n");
    chmodSync(failing, 0o755);
    writeToml(tdb, `[proofs]\nbin = "${failing}"\n`);
    const full = openSync("/dev/full", "w");
    let m: ListeningChild;
    try {
      m = await startManagerChild(tdb.home, { stderr: full });
    } finally {
      closeSync(full);
    }
    children.push(m.child);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${m.url}/piecestore/${cid}`, { method: "PUT", body: readFileSync(piece) }).catch(
        (e: unknown) => {
          throw new Error(`PUT ${i}: ${e}; manager exit ${m.child.exitCode} ${m.child.signalCode}; stdout: ${m.out()}`);
        },
      );
      assert.equal(res.status, 500);
      assert.match(await res.text(), /the piece could not be stored: .*nothing kept/);
    }
    assert.equal(await (await fetch(`${m.url}/healthcheck`)).text(), "ok\n");
    assert.equal(m.child.exitCode, null);
    assert.match(m.out(), /cannot write to stderr \(ENOSPC\); carrying on without it/);
    m.child.kill("SIGTERM");
    assert.equal(await m.exited, 0);
  });

  test("PUT /piecestore into a full piece store answers 507 and keeps nothing", {
    skip: process.getuid?.() !== 0 && "needs root to mount a small tmpfs",
  }, async () => {
    const tdb = await freshDatabase("sqlite");
    dbs.push(tdb);
    const store = join(tdb.home, "pieces");
    mkdirSync(store);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", store]);
    try {
      // Fill it up, leaving no room for the upload.
      try {
        writeFileSync(join(store, "filler"), Buffer.alloc(64 * 1024));
      } catch {
        // ENOSPC: full, as intended.
      }
      const piece = join(tdb.home, "piece.bin");
      writeFileSync(piece, Buffer.alloc(2032, 5));
      const { piece_cid: cid } = await computeCommP(resolveProofsBin(""), piece);
      writeToml(tdb);
      const m = await startManagerChild(tdb.home);
      children.push(m.child);
      const res = await fetch(`${m.url}/piecestore/${cid}`, { method: "PUT", body: readFileSync(piece) });
      assert.equal(res.status, 507);
      assert.match(await res.text(), /the piece store is full \(ENOSPC\): nothing kept/);
      assert.deepEqual(
        execFileSync("ls", ["-A", store], { encoding: "utf8" }).trim().split("\n"),
        ["filler"],
        "no temp file left",
      );
      m.child.kill("SIGTERM");
      assert.equal(await m.exited, 0);
    } finally {
      execFileSync("umount", ["-l", store]);
    }
  });
});
