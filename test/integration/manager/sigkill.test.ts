// Durability: the manager runs as a real child process under load, is killed with SIGKILL mid-flight, and on
// restart every acknowledged write is there (numbers, timeline entries, PreCommits), no number is reused, and
// sectors carry on from where they were.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openDatabase } from "../../../agent/manager/db/dialect.js";
import { zeroCommitment } from "../../../agent/manager/proofs/comm-d.js";
import { createVenusClient, type VenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { OnChainState, type SectorID, SubmitResult } from "../../../agent/shared/rpc/venus-types.js";
import { kill9, startManagerChild } from "../../support/child-process.js";
import { waitFor } from "../../support/wait.js";
import { DIALECTS, freshDatabase, type TestDatabase } from "./dialects.js";
import { pollUntil, WORKER } from "./scripted-worker.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: SIGKILL mid-flight`, () => {
    let tdb: TestDatabase | undefined;
    const children: ChildProcess[] = [];
    after(async () => {
      for (const ch of children) await kill9(ch);
      await tdb?.drop();
    });

    test("every acknowledged write survives and sectors carry on after restart", async () => {
      tdb = await freshDatabase(dialect);
      const home = tdb.home;
      writeFileSync(
        join(home, "manager.toml"),
        [
          'listen = "127.0.0.1:0"',
          "[db]",
          `url = "${tdb.url}"`,
          "[chain]",
          'block_time = "50ms"',
          "precommit_challenge_delay = 1",
          "confidence = 1",
          "[batching]",
          "max_batch = 3",
          'max_wait = "150ms"',
          "",
        ].join("\n"),
      );
      const first = await startManagerChild(home);
      children.push(first.child);
      const c: VenusClient = createVenusClient({ url: first.url, timeoutMs: 60_000 });

      const allocated: number[] = [];
      const reported = new Map<number, number>();
      const precommitted: SectorID[] = [];
      let stop = false;
      // Eight scripted workers: allocate, report, take a ticket, PreCommit, repeat, until the manager dies.
      const workers = Array.from({ length: 8 }, async () => {
        while (!stop) {
          try {
            const s = await c.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
            if (s === null) continue;
            allocated.push(s.ID.Number);
            await c.callVenus("ReportState", [
              s.ID,
              { Worker: WORKER, StateChange: { Prev: "Empty", Next: "Allocated", Event: "None" }, Failure: null },
            ]);
            reported.set(s.ID.Number, (reported.get(s.ID.Number) ?? 0) + 1);
            const ticket = await c.callVenus("AssignTicket", [s.ID]);
            const r = await c.callVenus("SubmitPreCommit", [
              s,
              {
                CommR: new Array(32).fill(s.ID.Number & 0x3f),
                CommD: Array.from(zeroCommitment(2048)),
                Ticket: ticket,
              },
              false,
            ]);
            if (r.Res === SubmitResult.Accepted) precommitted.push(s.ID);
          } catch {
            return; // the manager is gone
          }
        }
      });
      // Let the load run until 30 sectors were acknowledged (the workers go on meanwhile), then kill without warning.
      await waitFor("30 acknowledged allocations", () => (allocated.length >= 30 ? true : undefined));
      await kill9(first.child);
      stop = true;
      await Promise.all(workers);
      c.close();
      assert.ok(allocated.length > 20, `only ${allocated.length} sectors were allocated before the kill`);

      // What the database holds, read directly, before the manager starts again.
      const db = openDatabase(tdb.url);
      const rows = await db.selectFrom("sectors").selectAll().execute();
      const timeline = await db.selectFrom("timeline").select(["number"]).execute();
      await db.destroy();
      const stored = new Map(rows.map((r) => [r.number, r]));
      for (const n of allocated) assert.ok(stored.has(n), `acknowledged sector ${n} is missing`);
      for (const [n, count] of reported)
        assert.ok(timeline.filter((t) => t.number === n).length >= count, `timeline of sector ${n} lost an entry`);
      for (const sid of precommitted)
        assert.notEqual(stored.get(sid.Number)?.pc_stage, "none", `PreCommit of ${sid.Number} was lost`);
      assert.equal(new Set(rows.map((r) => r.number)).size, rows.length);

      // Restart: new numbers are never reused, and every acknowledged PreCommit lands.
      const second = await startManagerChild(home);
      children.push(second.child);
      const c2 = createVenusClient({ url: second.url });
      try {
        const next = await c2.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
        assert.ok(next);
        assert.ok(next.ID.Number > Math.max(...rows.map((r) => r.number)), `number ${next.ID.Number} was reused`);
        for (const sid of precommitted) {
          const st = await pollUntil(() => c2.callVenus("PollPreCommitState", [sid]));
          assert.equal(st.State, OnChainState.Landed, `sector ${sid.Number}: ${JSON.stringify(st)}`);
        }
        const one = precommitted[0];
        if (one) {
          const detail = await c2.callVenus("FindSector", [one]);
          assert.equal(detail.Timeline[0]?.Next, "Allocated");
        }
      } finally {
        c2.close();
        await kill9(second.child);
      }
    });
  });
}
