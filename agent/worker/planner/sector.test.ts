import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applySealerEvent, emptySector, type SealerEvent, sectorName } from "./sector.js";

describe("sector record", () => {
  it("applies each event's payload while moving through the table", () => {
    const ticket = { Ticket: Buffer.alloc(32, 1).toString("base64"), Epoch: 10 };
    const seed = { Seed: Buffer.alloc(32, 2).toString("base64"), Epoch: 20 };
    const events: SealerEvent[] = [
      { kind: "Allocate", sector: { ID: { Miner: 1000, Number: 7 }, ProofType: 5 } },
      { kind: "AcquireDeals", deals: null },
      { kind: "AddPiece", pieces: [{ commitment: Array(32).fill(3), size: 2032 }] },
      { kind: "BuildTreeD" },
      { kind: "AssignTicket", ticket: null },
      { kind: "PC1", ticket, out: { labels: 1 } },
      { kind: "PC2", out: { comm_r: Array(32).fill(4), comm_d: Array(32).fill(5) } },
      { kind: "SubmitPC" },
      { kind: "ReSubmitPC" },
      { kind: "SubmitPC" },
      { kind: "CheckPC" },
      { kind: "Persist", instance: "persist-1" },
      { kind: "SubmitPersistance" },
      { kind: "AssignSeed", seed },
      { kind: "C1", out: { vanilla: 1 } },
      { kind: "C2", out: { proof: [1, 2, 3] } },
      { kind: "SubmitProof" },
      { kind: "ReSubmitProof" },
    ];
    let s = { ...emptySector(), retry: 2 };
    for (const e of events) {
      const r = applySealerEvent(s, e);
      assert.ok(r.ok, `${s.state} + ${e.kind}`);
      if (e.kind === "ReSubmitPC") assert.equal(r.sector.phases.pc2ReSubmit, true);
      s = r.sector;
      assert.equal(s.retry, 0);
    }
    assert.equal(s.state, "C2Done");
    assert.equal(s.prevState, "ProofSubmitted");
    assert.equal(s.phases.c2ReSubmit, true);
    assert.equal(s.phases.pc2ReSubmit, false);
    assert.deepEqual(s.phases.ticket, ticket);
    assert.deepEqual(s.phases.seed, seed);
    assert.equal(s.phases.persistInstance, "persist-1");
    assert.deepEqual(s.allocated, { ID: { Miner: 1000, Number: 7 }, ProofType: 5 });
    assert.equal(sectorName({ Miner: 1000, Number: 7 }), "s-t01000-7");
  });
  it("clears a stored ticket on AssignTicket(None) and rejects events the table does not list", () => {
    const base = emptySector();
    const s = {
      ...base,
      state: "TreeDBuilt" as const,
      phases: { ...base.phases, ticket: { Ticket: "AA==", Epoch: 1 } },
    };
    const r = applySealerEvent(s, { kind: "AssignTicket", ticket: null });
    assert.ok(r.ok);
    assert.equal(r.sector.phases.ticket, null);
    assert.deepEqual(applySealerEvent(s, { kind: "C2", out: { proof: [] } }), {
      ok: false,
      error: "unexpected event C2 for state TreeDBuilt",
    });
  });
});
