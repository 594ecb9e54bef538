// The whole path with real proofs: a scripted worker seals three 2 KiB CC sectors with sealfarm-proofs, the manager
// verifies each proof when its ProveCommit lands (sector Active), hands out WindowPoSt jobs over the one deadline
// that holds all three (two proof partitions of 2 sectors, so two proofs go to the chain), verifies the PoSt,
// marks a sector whose files are gone faulty, and recovers it when it proves again. Skipped, with the reason,
// only while the binary lacks verify-seal.
import assert from "node:assert/strict";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import type { WdPoStAllocatedJob } from "../../../agent/shared/rpc/venus-types.js";
import { type HeldChain, holdChain } from "../../support/manager-clocks.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";
import { commitPhase, persist, precommitPhase, runStage } from "./real-seal.js";
import { preCommitLanded, proofLanded, report } from "./scripted-worker.js";

const bin = resolveProofsBin("");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const dialect of DIALECTS) {
  describe(`${dialect}: a really sealed sector`, () => {
    let ready = false;
    const { tdb, manager, client } = managerUnderTest(dialect, {
      startIf: async () => {
        ready = (await hasSubcommand(bin, "verify-seal")) && (await hasSubcommand(bin, "verify-window-post"));
        return ready;
      },
      toml: {
        chain: { block_time: "50ms", precommit_challenge_delay: 2, confidence: 1, proving_period: 24, deadlines: 1 },
        batching: { max_batch: 4, max_wait: "50ms" },
        // Heartbeats are not this test's concern: no timeout while a loaded machine proves.
        post: { heartbeat_timeout: "1h", job_max_try: 1 },
      },
    });

    /** Moves the held chain to the next proving period's window and takes its job (open until the chain moves). */
    async function nextJob(chain: HeldChain, after: Set<string>): Promise<WdPoStAllocatedJob> {
      await chain.to(chain.nextOpen(0));
      const [job] = await client().callVenus("WdPoStAllocateJobs", [
        { AllowedMiners: [1000], AllowedProofTypes: [] },
        1,
        "post-1",
      ]);
      if (job === undefined || after.has(job.Id)) throw new Error(`no new WindowPoSt job at epoch ${chain.height}`);
      return job;
    }

    async function prove(chain: HeldChain, job: WdPoStAllocatedJob) {
      const store = join(tdb().home, "persist-1");
      const out = await runStage(bin, "window_post", {
        miner_id: job.Input.MinerId,
        proof_type: job.Input.ProofType,
        seed: job.Input.Seed,
        replicas: job.Input.Sectors.map((s) => ({
          sector_id: s.SectorId,
          comm_r: s.CommR,
          cache_dir: join(store, "cache", `s-t01000-${s.SectorId}`),
          sealed_file: join(store, "sealed", `s-t01000-${s.SectorId}`),
        })),
      });
      const result = out as { proofs: string[]; faults: number[] };
      await client().callVenus("WdPoStFinishJob", [job.Id, result, ""]);
      // A submitted proof is final once its SubmitWindowedPoSt lands: move the held chain past inclusion and
      // confidence (the window stays open: it is longer than that).
      const row = () =>
        manager().ctx.db.selectFrom("wdpost_jobs").selectAll().where("id", "=", job.Id).executeTakeFirstOrThrow();
      if ((await row()).state === "submitted") await chain.to(chain.height + 1 + manager().ctx.config.chain.confidence);
      return { row: await row(), proofs: result.proofs.length };
    }

    /** Seals one CC sector through the RPC flow with real proofs, up to Active and finalized. */
    async function sealActive(): Promise<number> {
      const sector = await client().callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(sector);
      const sid = sector.ID;
      assert.equal(await client().callVenus("AcquireDeals", [sid, { MaxDeals: null, MinUsedSpace: null }]), null);
      const ticket = await client().callVenus("AssignTicket", [sid]);
      const sealed = await precommitPhase(bin, join(tdb().home, "work"), sid.Number, ticket.Ticket);
      await report(client(), sid, "TreeDBuilt", "TicketAssigned");
      await preCommitLanded(client(), sector, { CommR: sealed.commR, CommD: sealed.commD, Ticket: ticket });
      const store = await client().callVenus("StoreReserveSpace", [sid, 4096, ["persist-1"]]);
      assert.equal(store?.Name, "persist-1");
      persist(sealed, join(tdb().home, "persist-1"), `s-t01000-${sid.Number}`);
      assert.equal(await client().callVenus("SubmitPersistedEx", [sid, "persist-1", false]), true);
      let seed = null;
      while (seed === null) {
        const w = await client().callVenus("WaitSeed", [sid, 5]);
        seed = w.Seed;
        if (seed === null) await sleep(50);
      }
      const proof = await commitPhase(bin, sealed, sid.Number, ticket.Ticket, seed.Seed);
      await proofLanded(client(), sid, proof);
      assert.equal(await client().callVenus("ReportFinalized", [sid]), null);
      return sid.Number;
    }

    test("seal → Active → WindowPoSt over two proof partitions → fault → recovery", async () => {
      assert.ok(ready, "sealfarm-proofs lacks verify-seal/verify-window-post (run `npm run build:native`)");
      // Three sectors in the one deadline: more than a 2 KiB proof partition holds (2), so the PoSt is two proofs
      // and the chain must get both (it once got only the first, and every deadline of 3+ sectors failed).
      const numbers = [await sealActive(), await sealActive(), await sealActive()];
      assert.equal((await client().callVenus("ListSectors", ["Active"])).length, 3);

      // A WindowPoSt over the persisted files verifies. The chain is held from here: each window stays open
      // until the test has proven it, however long that takes.
      const chain = holdChain(manager());
      const seen = new Set<string>();
      const j1 = await nextJob(chain, seen);
      seen.add(j1.Id);
      assert.deepEqual(
        j1.Input.Sectors.map((s) => s.SectorId),
        numbers,
      );
      const r1 = await prove(chain, j1);
      assert.equal(r1.proofs, 2, "three 2 KiB sectors make two proof partitions");
      assert.equal(r1.row.succeeded, 1, r1.row.error ?? "");

      // The middle sector's sealed file disappears: the prover declares a fault, that sector alone is faulty.
      const faulty = numbers[1] ?? 0;
      const file = join(tdb().home, "persist-1", "sealed", `s-t01000-${faulty}`);
      renameSync(file, `${file}.away`);
      const j2 = await nextJob(chain, seen);
      seen.add(j2.Id);
      const r2 = await prove(chain, j2);
      assert.equal(r2.row.succeeded, 1, r2.row.error ?? "");
      assert.deepEqual(
        (await client().callVenus("ListSectors", ["Faulty"])).map((s) => s.ID.Number),
        [faulty],
      );

      // The file is back: the next deadline proves it and the sector recovers.
      renameSync(`${file}.away`, file);
      const j3 = await nextJob(chain, seen);
      const r3 = await prove(chain, j3);
      assert.equal(r3.proofs, 2);
      assert.equal(r3.row.succeeded, 1, r3.row.error ?? "");
      assert.deepEqual(await client().callVenus("ListSectors", ["Faulty"]), []);
      // On the chain too: declared recovered, then proven.
      const [part] = await manager().ctx.chain.client.stateMinerPartitions("f01000", 0);
      assert.deepEqual(part?.faultySectors, []);
      assert.deepEqual(part?.recoveringSectors, []);
      const sent = await manager().ctx.db.selectFrom("messages").select(["kind", "state", "exit_code"]).execute();
      assert.ok(sent.some((x) => x.kind === "recovery" && x.state === "landed" && x.exit_code === 0));
      assert.ok(sent.filter((x) => x.kind === "wdpost" && x.state === "landed").length >= 3);
      assert.equal((await client().callVenus("ListSectors", ["Active"])).length, 3);
    });
  });
}
