import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unsealInfo } from "../../../test/support/unseal-info.js";
import type { SectorRebuildInfo } from "../../shared/rpc/index.js";
import {
  applyRebuildEvent,
  applySealerEvent,
  applyUnsealEvent,
  emptyRebuildSector,
  emptySector,
  emptyUnsealSector,
  type RebuildEvent,
  type SealerEvent,
  sectorName,
} from "./sector.js";

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
  it("rebuild: keeps the manager's ticket and pieces, then each step's output", () => {
    const ticket = { Ticket: Buffer.alloc(32, 9).toString("base64"), Epoch: 3 };
    const info: SectorRebuildInfo = {
      Sector: { ID: { Miner: 1000, Number: 4 }, ProofType: 5 },
      Ticket: ticket,
      Pieces: null,
      PiecesV2: null,
      IsSnapUp: false,
      UpgradePublic: null,
    };
    const events: RebuildEvent[] = [
      { kind: "AllocatedRebuildSector", info },
      { kind: "AddPiece", pieces: [{ commitment: Array(32).fill(1), size: 2032 }] },
      { kind: "BuildTreeD" },
      { kind: "PC1", out: { labels: 1 } },
      { kind: "PC2", out: { comm_r: Array(32).fill(4), comm_d: Array(32).fill(5) } },
      { kind: "CheckSealed" },
      { kind: "SkipSnap" },
      { kind: "Persist", instance: "persist-1" },
      { kind: "SubmitPersistance" },
    ];
    let s = emptyRebuildSector();
    assert.equal(s.plan, "rebuild");
    for (const e of events) {
      const r = applyRebuildEvent(s, e);
      assert.ok(r.ok, `${s.state} + ${e.kind}`);
      s = r.sector;
    }
    assert.equal(s.state, "Finished");
    assert.equal(s.prevState, "Persisted");
    assert.deepEqual(s.phases.ticket, ticket);
    assert.deepEqual(s.allocated, info.Sector);
    assert.equal(s.phases.persistInstance, "persist-1");
    assert.deepEqual(applyRebuildEvent(emptyRebuildSector(), { kind: "CheckSealed" }), {
      ok: false,
      error: "unexpected event CheckSealed for state Empty",
    });
  });
  it("unseal: records the task, then moves Allocated → Unsealed → Finished", () => {
    const info = unsealInfo({ CommD: Array(32).fill(2) });
    let s = emptyUnsealSector();
    for (const e of [
      { kind: "AllocatedUnsealSector", info },
      { kind: "UnsealDone", bytes: 1016 },
      { kind: "UploadPieceDone" },
    ] as const) {
      const r = applyUnsealEvent(s, e);
      assert.ok(r.ok, `${s.state} + ${e.kind}`);
      s = r.sector;
    }
    assert.equal(s.state, "Finished");
    assert.deepEqual(s.phases.unsealIn, info);
    assert.deepEqual(s.allocated, info.Sector);
  });
});
