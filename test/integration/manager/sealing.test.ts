// A scripted worker drives CC sectors through the manager over real HTTP, on SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { createVenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { OnChainState, SubmitResult } from "../../../agent/shared/rpc/venus-types.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";
import { pollUntil, report, sealToSeed } from "./scripted-worker.js";

const commR = (n: number) => Array.from({ length: 32 }, (_, i) => (i * 7 + n) & 0x3f);

for (const dialect of DIALECTS) {
  describe(`${dialect}: sealing a CC sector through Venus.*`, () => {
    const { tdb, manager, client } = managerUnderTest(dialect);
    let verifierPresent = false;

    before(async () => {
      verifierPresent = await hasSubcommand(resolveProofsBin(""), "verify-seal");
    });

    const storeRoot = (name: string) => join(tdb().home, name === "persist-1" ? "persist-1" : name);

    test("allocation through the seed, then an invalid proof fails the ProveCommit for good (PermFailed, the actor's reason)", async () => {
      const s = await sealToSeed(client(), commR(1), storeRoot);
      assert.equal(s.sector.ProofType, 5);
      assert.equal(s.pieces, null, "deals are off: a CC sector");
      assert.ok(s.seed.Epoch >= 2);
      // WaitSeed is stable once assigned.
      assert.deepEqual((await client().callVenus("WaitSeed", [s.sid, 5])).Seed, s.seed);

      const bogus = Buffer.alloc(192, 7).toString("base64");
      assert.deepEqual(await client().callVenus("SubmitProof", [s.sid, { Proof: bogus }, false]), {
        Res: SubmitResult.Accepted,
        Desc: null,
      });
      // Resubmitting the same proof is accepted; a different one without reset is a mismatch.
      assert.equal(
        (await client().callVenus("SubmitProof", [s.sid, { Proof: bogus }, false])).Res,
        SubmitResult.Accepted,
      );
      assert.equal(
        (await client().callVenus("SubmitProof", [s.sid, { Proof: Buffer.alloc(4).toString("base64") }, false])).Res,
        SubmitResult.MismatchedSubmission,
      );
      const end = await pollUntil(() => client().callVenus("PollProofState", [s.sid]));
      assert.ok(verifierPresent, "sealfarm-proofs has no verify-seal subcommand (run `npm run build:native`)");
      assert.equal(end.State, OnChainState.PermFailed, JSON.stringify(end));
      // The devnet estimates the message as Lotus does: the push is refused with the actor's exit code and reason.
      assert.match(end.Desc ?? "", /ProveCommitSectors3 refused: .*exit 16 .*invalid seal proof/);
      const listed = await client().callVenus("ListSectors", [null]);
      const mine = listed.find((x) => x.ID.Number === s.sid.Number);
      assert.equal(mine?.State, "ProofFailed");
      assert.equal(mine?.Worker, "scripted-1");
    });

    test("PreCommit resubmission: same info Accepted, different info Mismatched, wrong CommD Mismatched", async () => {
      const sector = await client().callVenus("AllocateSector", [{ AllowedMiners: [1000], AllowedProofTypes: [5] }]);
      assert.ok(sector);
      const ticket = await client().callVenus("AssignTicket", [sector.ID]);
      const wrongD = { CommR: commR(2), CommD: commR(3), Ticket: ticket };
      const bad = await client().callVenus("SubmitPreCommit", [sector, wrongD, false]);
      assert.equal(bad.Res, SubmitResult.MismatchedSubmission);
      assert.match(bad.Desc ?? "", /CommD does not match the sector's pieces: expected fc7e9282/);
      const s2 = await sealToSeed(client(), commR(4), storeRoot);
      const again = await client().callVenus("SubmitPreCommit", [s2.sector, s2.info, false]);
      assert.equal(again.Res, SubmitResult.Accepted);
      const other = await client().callVenus("SubmitPreCommit", [s2.sector, { ...s2.info, CommR: commR(5) }, true]);
      assert.equal(other.Res, SubmitResult.MismatchedSubmission, "landed PreCommits cannot be replaced");
    });

    test("a ticket that is not the assigned one is Rejected", async () => {
      const sector = await client().callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(sector);
      const ticket = await client().callVenus("AssignTicket", [sector.ID]);
      const forged = { Ticket: Buffer.alloc(32, 9).toString("base64"), Epoch: ticket.Epoch };
      const r = await client().callVenus("SubmitPreCommit", [
        sector,
        { CommR: commR(6), CommD: commR(0).map(() => 0), Ticket: forged },
        false,
      ]);
      assert.equal(r.Res, SubmitResult.Rejected);
      assert.match(r.Desc ?? "", /Ticket does not match/);
      assert.equal((await client().callVenus("PollPreCommitState", [sector.ID])).State, OnChainState.Failed);
    });

    test("ReportState builds the timeline; ReportAborted makes later reports answer Finalized", async () => {
      const sector = await client().callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(sector);
      const sid = sector.ID;
      assert.deepEqual(await report(client(), sid, "Empty", "Allocated"), {
        Id: sid,
        Finalized: false,
        AbortReason: null,
      });
      await report(client(), sid, "Allocated", "Allocated", { Level: "Temporary", Desc: "disk full" });
      const detail = await client().callVenus("FindSector", [sid]);
      assert.equal(detail.Timeline.length, 2);
      assert.equal(detail.Timeline[1]?.FailureDesc, "disk full");
      assert.equal(detail.Sector.LastFailure, "Temporary: disk full");
      assert.equal(await client().callVenus("ReportAborted", [sid, "operator said so"]), null);
      assert.deepEqual(await report(client(), sid, "Allocated", "Aborted"), {
        Id: sid,
        Finalized: true,
        AbortReason: "operator said so",
      });
      await assert.rejects(
        client().callVenus("AssignTicket", [sid]),
        (e: unknown) => (e as { code: number }).code === 11001,
      );
      const aborted = await client().callVenus("ListSectors", ["Aborted"]);
      assert.ok(aborted.some((x) => x.ID.Number === sid.Number));
    });

    test("WorkerPing registers workers; StoreBasicInfo knows configured stores only", async () => {
      const before = Math.floor(Date.now() / 1000);
      await client().callVenus("WorkerPing", [
        {
          Name: "w1",
          Dest: "127.0.0.1:17890",
          Version: "v0.1.0",
          Summary: { Threads: 4, Empty: 1, Paused: 0, Running: 3, Waiting: 0, Errors: 0 },
        },
      ]);
      const list = await client().callVenus("WorkerPingInfoList", []);
      assert.equal(list[0]?.Info.Summary.Running, 3);
      // The ping's time (whole seconds) lies between the call and the answer, however long those took.
      const lastPing = list[0]?.LastPing ?? 0;
      assert.ok(lastPing >= before && lastPing <= Math.ceil(Date.now() / 1000), `LastPing ${lastPing}`);
      assert.equal((await client().callVenus("StoreBasicInfo", ["persist-1"]))?.Name, "persist-1");
      assert.equal(await client().callVenus("StoreBasicInfo", ["nope"]), null);
    });

    test("1,000 concurrent AllocateSector calls get 1,000 distinct numbers", async () => {
      // A client whose reply timeout is only a hang guard: on a loaded machine 1,000 allocations (each one
      // committed) can take longer than the default 30 s, and that is not what this test is about.
      const patient = createVenusClient({ url: manager().url, timeoutMs: 600_000 });
      const calls = Array.from({ length: 1000 }, () =>
        patient.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]),
      );
      const got = await Promise.all(calls).finally(() => patient.close());
      const numbers = got.map((g) => g?.ID.Number);
      assert.equal(new Set(numbers).size, 1000);
      assert.ok(numbers.every((n) => typeof n === "number" && n > 0));
      const rows = await manager().ctx.db.selectFrom("sectors").select("number").where("miner", "=", 1000).execute();
      assert.equal(new Set(rows.map((r) => r.number)).size, rows.length, "no number stored twice");
    });
  });
}
