// A sector's ticket is drawn `[chain] ticket_lookback` epochs behind the head (chain finality, 900, by default, as
// lotus-miner and damocles draw it), so a reorg shallower than that cannot take it away; the devnet accepts such a
// PreCommit, as the chain does while the ticket is younger than MaxPreCommitRandomnessLookback.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { AllocatedSector } from "../../../agent/shared/rpc/venus-types.js";
import { holdChain } from "../../support/manager-clocks.js";
import { waitFor } from "../../support/wait.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";
import { report, sealToSeed } from "./scripted-worker.js";

const LOOKBACK = 20;

for (const dialect of DIALECTS) {
  describe(`${dialect}: tickets drawn ticket_lookback epochs behind the head`, () => {
    const { tdb, manager, client } = managerUnderTest(dialect, {
      toml: {
        chain: {
          block_time: "50ms",
          precommit_challenge_delay: 1,
          confidence: 1,
          ticket_lookback: LOOKBACK,
          proving_period: 144_000,
          deadlines: 4,
        },
      },
    });

    test("a PreCommit with a ticket that far back lands", async () => {
      // Past the lookback, so the ticket epoch is not clamped at genesis (a height only grows).
      await waitFor("the chain past the lookback", () =>
        manager().ctx.chain.head() > LOOKBACK + 5 ? true : undefined,
      );
      const { sid } = await sealToSeed(client(), new Array(32).fill(3), (name) => join(tdb().home, name));
      const row = await manager()
        .ctx.db.selectFrom("sectors")
        .select(["ticket_epoch", "pc_epoch"])
        .where("miner", "=", sid.Miner)
        .where("number", "=", sid.Number)
        .executeTakeFirstOrThrow();
      // Drawn before the PreCommit was pushed, at its head minus the lookback: at least that far below where it landed.
      assert.ok(row.ticket_epoch !== null && row.pc_epoch !== null, JSON.stringify(row));
      assert.ok(row.ticket_epoch > 0, `ticket epoch ${row.ticket_epoch}`);
      assert.ok(row.pc_epoch - row.ticket_epoch > LOOKBACK, JSON.stringify(row));
    });

    test("AssignTicket answers the chain's SealRandomness at exactly head minus the lookback", async () => {
      const chain = holdChain(manager());
      await chain.to(chain.height + 3); // the manager's own view of the head is refreshed at the held height
      const sector = (await client().callVenus("AllocateSector", [
        { AllowedMiners: [], AllowedProofTypes: [] },
      ])) as AllocatedSector;
      await report(client(), sector.ID, "Empty", "Allocated");
      const ticket = await client().callVenus("AssignTicket", [sector.ID]);
      assert.equal(ticket.Epoch, chain.height - LOOKBACK);
      const expected = await manager().ctx.chain.gateway.sealTicket(sector.ID.Miner, chain.height - LOOKBACK);
      assert.equal(ticket.Ticket, Buffer.from(expected).toString("base64"));
    });
  });
}
