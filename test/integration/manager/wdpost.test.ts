// WindowPoSt through Venus.WdPoSt*: jobs per deadline window, allocation filters, heartbeats and their timeout,
// retries up to job_max_try, and sectors marked faulty when the job fails for good. The sectors are sealed through
// the real RPC flow up to the seed; making them Active is done on the row, so these tests are about job handling
// (test/integration/manager/proven-sector.test.ts proves a really sealed sector).
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { updateSector } from "../../../agent/manager/sectors/sector.repository.js";
import type { SectorID, WdPoStAllocatedJob } from "../../../agent/shared/rpc/venus-types.js";
import { holdChain, type JumpableClock, jumpableClock } from "../../support/manager-clocks.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";
import { sealToSeed } from "./scripted-worker.js";

const SPEC_2K = {
  AllowedMiners: [],
  AllowedProofTypes: ["StackedDrgWinning2KiBV1", "StackedDrgWindow2KiBV1", "StackedDrgWindow2KiBV1_2"],
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const dialect of DIALECTS) {
  describe(`${dialect}: WindowPoSt jobs`, () => {
    const { tdb, manager, client } = managerUnderTest(dialect, {
      toml: {
        chain: { block_time: "50ms", precommit_challenge_delay: 1, confidence: 1, proving_period: 400, deadlines: 2 },
        // Timeouts are the test's to cause (it jumps the clock), never the machine's speed.
        post: { heartbeat_timeout: "1h", job_max_try: 2 },
      },
    });
    let clock: JumpableClock;
    const sids: SectorID[] = [];

    before(async () => {
      clock = jumpableClock(manager());
      for (let i = 0; i < 2; i++) {
        const s = await sealToSeed(client(), new Array(32).fill(i + 1), (name) => join(tdb().home, name));
        sids.push(s.sid);
      }
      // Hold the chain, so the deadline open now stays open for the whole test, and put both sectors in it.
      const d = holdChain(manager()).deadline();
      // One statement, so the pump cannot build the job between the two sectors.
      await manager()
        .ctx.db.updateTable("sectors")
        .set({ state: "Active", proof_stage: "landed", active_epoch: d.open - 1, deadline: d.index })
        .where("miner", "=", 1000)
        .where(
          "number",
          "in",
          sids.map((s) => s.Number),
        )
        .execute();
    });

    async function allocate(spec = SPEC_2K, worker = "post-1"): Promise<WdPoStAllocatedJob[]> {
      const until = Date.now() + 120_000; // a hang guard: the job comes once the pump has run
      for (;;) {
        const jobs = await client().callVenus("WdPoStAllocateJobs", [spec, 1, worker]);
        if (jobs.length > 0 || Date.now() > until) return jobs;
        await sleep(30);
      }
    }

    /** The manager's stored row of a job, as WdPoStFinishJob left it. */
    function jobRow(id: string) {
      return manager().ctx.db.selectFrom("wdpost_jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    }

    test("a job for the open deadline carries every sector, its CommR, store and a masked seed", async () => {
      const none = await client().callVenus("WdPoStAllocateJobs", [
        { AllowedMiners: [], AllowedProofTypes: ["StackedDrgWindow32GiBV1_2"] },
        1,
        "post-1",
      ]);
      assert.deepEqual(none, [], "a 32 GiB prover gets no 2 KiB job");
      const [job] = await allocate();
      assert.ok(job, "a job was created");
      assert.equal(job.Input.MinerId, 1000);
      assert.equal(job.Input.ProofType, "StackedDrgWindow2KiBV1_2");
      assert.deepEqual(
        job.Input.Sectors.map((s) => s.SectorId),
        sids.map((s) => s.Number),
      );
      assert.deepEqual(job.Input.Sectors[0]?.CommR, new Array(32).fill(1));
      assert.deepEqual(job.Input.Sectors[0]?.Accesses, { SealedFile: "persist-1", CacheDir: "persist-1" });
      assert.ok((job.Input.Seed[31] ?? 255) <= 0x3f);
      assert.match(job.Id, /^[1-9A-HJ-NP-Za-km-z]{8,12}$/);
      assert.deepEqual(
        await client().callVenus("WdPoStAllocateJobs", [SPEC_2K, 1, "post-2"]),
        [],
        "a running job is not handed out twice",
      );

      // Without heartbeats the job times out and goes back to the queue (try 1 of 2): allocate waits for that.
      clock.jump(3_600_000 + 1000);
      const [again] = await allocate();
      assert.equal(again?.Id, job.Id);
      assert.equal(await client().callVenus("WdPoStHeartbeatJobs", [[job.Id], "post-1"]), null);

      // The worker reports a processor error on the last try: the job fails for good and its sectors are faulty.
      await client().callVenus("WdPoStFinishJob", [job.Id, null, "window_post: no such file sealed/s-t01000-1"]);
      const row = await jobRow(job.Id);
      assert.equal(row.state, "finished");
      assert.equal(row.succeeded, 0);
      assert.equal(row.try_num, 2);
      assert.match(row.error ?? "", /no such file/);
      const faulty = await client().callVenus("ListSectors", ["Faulty"]);
      assert.deepEqual(
        faulty.map((s) => s.ID.Number),
        sids.map((s) => s.Number),
      );
      await assert.rejects(client().callVenus("WdPoStFinishJob", [job.Id, null, "again"]), /is finished, not running/);
    });

    test("metrics show sectors by state and the chain height", async () => {
      const text = await (await fetch(`${manager().url}/metrics`)).text();
      assert.match(text, /sealfarm_manager_sectors\{state="Active"\} 2/);
      assert.match(text, /sealfarm_manager_chain_height \d+/);
      assert.match(text, /sealfarm_manager_sectors_faulty 2/);
      assert.match(text, /sealfarm_manager_wdpost_jobs\{state="finished"\} 1/);
      assert.match(text, /sealfarm_manager_rpc_duration_ms_count\{method="Venus.WdPoStAllocateJobs"\} \d+/);
    });

    test("a WindowPoSt the chain refuses fails the job and leaves the sectors faulty", async () => {
      assert.ok(
        await hasSubcommand(resolveProofsBin(""), "verify-window-post"),
        "sealfarm-proofs has no verify-window-post subcommand (run `npm run build:native`)",
      );
      // Let the deadline's job be created afresh (same input, same id) and prove it with garbage.
      await manager().ctx.db.deleteFrom("wdpost_jobs").execute();
      await manager().tick();
      const [job] = await allocate();
      assert.ok(job);
      await client().callVenus("WdPoStFinishJob", [
        job.Id,
        { proofs: [Buffer.alloc(192, 1).toString("base64")], faults: [] },
        "",
      ]);
      const row = await jobRow(job.Id);
      assert.equal(row.succeeded, 0);
      // These sectors were made Active on the manager's rows only: the chain has no partition for them. (A proof
      // the chain's verifier rejects is test/integration/chain/devnet-window-post.test.ts.)
      assert.match(
        row.error ?? "",
        /invalid WindowPoSt: none of its sectors is in a partition of deadline \d+ on the chain/,
      );
      const faulty = await client().callVenus("ListSectors", ["Faulty"]);
      assert.equal(faulty.length, 2, "a refused proof recovers nothing");
    });

    test("issue 15: a WindowPoSt over no sectors (every sector declared faulty, no proofs) is not valid", async () => {
      await manager().ctx.db.deleteFrom("wdpost_jobs").execute();
      await manager().tick();
      const [job] = await allocate();
      assert.ok(job);
      const all = job.Input.Sectors.map((x) => x.SectorId);
      assert.ok(all.length > 0);
      await client().callVenus("WdPoStFinishJob", [job.Id, { proofs: [], faults: all }, ""]);
      const row = await jobRow(job.Id);
      assert.equal(row.succeeded, 0);
      assert.match(row.error ?? "", /invalid WindowPoSt: it proves no sectors/);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: a deadline that closes without a proof`, () => {
    // 4-epoch windows; the test holds the chain and moves it through deadline 1 itself.
    const { tdb, manager, client } = managerUnderTest(dialect, {
      toml: {
        chain: { block_time: "50ms", precommit_challenge_delay: 1, confidence: 1, proving_period: 8, deadlines: 2 },
      },
    });

    test("the job fails with 'deadline closed' and its sectors become faulty", async () => {
      const s = await sealToSeed(client(), new Array(32).fill(9), (name) => join(tdb().home, name));
      // The chain held from here: deadline 1 opens (its job is created, nobody takes it), then closes.
      const chain = holdChain(manager());
      await updateSector(manager().ctx.db, s.sid.Miner, s.sid.Number, {
        state: "Active",
        proof_stage: "landed",
        active_epoch: 0,
        deadline: 1,
      });
      const open = chain.nextOpen(1);
      await chain.to(open);
      const job = await manager()
        .ctx.db.selectFrom("wdpost_jobs")
        .selectAll()
        .where("open_epoch", "=", open)
        .executeTakeFirstOrThrow();
      assert.deepEqual([job.state, job.deadline, job.open_epoch], ["ready2run", 1, open]);
      await chain.to(job.close_epoch);
      const closed = await manager()
        .ctx.db.selectFrom("wdpost_jobs")
        .select("error")
        .where("id", "=", job.id)
        .where("state", "=", "finished")
        .executeTakeFirst();
      assert.match(closed?.error ?? "", /deadline closed before a proof was submitted/);
      const faulty = await client().callVenus("ListSectors", ["Faulty"]);
      assert.deepEqual(
        faulty.map((x) => x.ID.Number),
        [s.sid.Number],
      );
    });
  });
}
