// One sealing message the manager cannot get out (here: a record whose message fails to build on every cycle,
// first in line) must hold back neither the sealing messages behind it nor the WindowPoSts, which have deadlines:
// once it did both, and every sector of the farm turned Faulty.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { MinerMethod } from "../../../agent/manager/chain/filecoin/miner-methods.js";
import { holdChain } from "../../support/manager-clocks.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";
import { sealToSeed } from "./scripted-worker.js";

const POISONED = "precommit-1000-poisoned";

for (const dialect of DIALECTS) {
  describe(`${dialect}: a sealing message that cannot be sent`, () => {
    const { tdb, manager, client } = managerUnderTest(dialect, {
      toml: {
        chain: { block_time: "50ms", precommit_challenge_delay: 1, confidence: 1, proving_period: 400, deadlines: 2 },
        post: { heartbeat_timeout: "1h", job_max_try: 2 },
      },
    });

    before(async () => {
      // The oldest open record, so the pump reaches it first on every cycle; its one sector does not exist (nor is
      // its max fee a number), so building its message throws, and not as a chain error that would mark it waiting
      // or failed.
      await manager()
        .ctx.db.insertInto("messages")
        .values({
          id: POISONED,
          miner: 1000,
          kind: "precommit",
          sent_epoch: 0,
          sectors: 1,
          state: "pending",
          created_at: 0,
          cid: null,
          method: MinerMethod.PreCommitSectorBatch2,
          sector_numbers: "[999]",
          max_fee: "not a number",
          value: null,
          exit_code: null,
          landed_epoch: null,
          gas_used: null,
          error: null,
          chain_error: null,
          message: null,
        })
        .execute();
    });

    test("the PreCommit behind it lands and the open deadline still gets its WindowPoSt job", async () => {
      // sealToSeed waits for its PreCommit to land: it never did while the poisoned record stopped the pump.
      const { sid } = await sealToSeed(client(), new Array(32).fill(7), (name) => join(tdb().home, name));
      const chain = holdChain(manager());
      const d = chain.deadline();
      await manager()
        .ctx.db.updateTable("sectors")
        .set({ state: "Active", proof_stage: "landed", active_epoch: d.open - 1, deadline: d.index })
        .where("miner", "=", 1000)
        .where("number", "=", sid.Number)
        .execute();
      // One whole cycle at the held height: the pump throws on the poisoned record, and the WindowPoSt step runs.
      await chain.to(chain.height);
      const jobs = await client().callVenus("WdPoStAllocateJobs", [
        { AllowedMiners: [1000], AllowedProofTypes: [] },
        1,
        "post-1",
      ]);
      assert.deepEqual(
        jobs.map((j) => j.Input.Sectors.map((s) => s.SectorId)),
        [[sid.Number]],
      );
      const poisoned = await manager()
        .ctx.db.selectFrom("messages")
        .select(["state", "cid"])
        .where("id", "=", POISONED)
        .executeTakeFirstOrThrow();
      assert.deepEqual(poisoned, { state: "pending", cid: null }, "the record that cannot be built stays pending");
      const landed = await manager()
        .ctx.db.selectFrom("messages")
        .select("id")
        .where("kind", "=", "precommit")
        .where("state", "=", "landed")
        .execute();
      assert.equal(landed.length, 1);
    });

    test("the record keeps why it cannot be sent, shown by ListMessages, and the pump reports it once, not every cycle", async () => {
      const listed = (await client().callVenus("ListMessages", [])).find((r) => r.Id === POISONED);
      assert.equal(listed?.State, "pending");
      assert.match(listed?.Error ?? "", /^PreCommitSectorBatch2 record precommit-1000-poisoned cannot be sent: /);
      // A new episode (the reason cleared, as a successful push would): reported exactly once over many cycles.
      const reported: string[] = [];
      const consoleError = console.error;
      console.error = (...args: unknown[]) => {
        reported.push(args.map(String).join(" "));
      };
      try {
        await manager().ctx.db.updateTable("messages").set({ error: null }).where("id", "=", POISONED).execute();
        for (let i = 0; i < 5; i++) await manager().tick();
      } finally {
        console.error = consoleError;
      }
      assert.deepEqual(
        reported.filter((line) => line.includes(POISONED)),
        [`sealfarm manager: chain pump: ${listed?.Error}`],
      );
    });
  });
}
