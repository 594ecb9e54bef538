import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextSealerState, type SealerEventKind, type SealerState, sealerEventKinds, sealerStates } from "./sealer.js";
import { nextWdPostState, type WdPostEventKind, type WdPostState, wdpostEventKinds, wdpostStates } from "./wdpost.js";

// Written out independently of the table: the path §3.3 describes, plus the two resubmission loops.
const sealerExpected: Array<[SealerState, SealerEventKind, SealerState]> = [
  ["Empty", "Allocate", "Allocated"],
  ["Allocated", "AcquireDeals", "DealsAcquired"],
  ["DealsAcquired", "AddPiece", "PieceAdded"],
  ["PieceAdded", "BuildTreeD", "TreeDBuilt"],
  ["TreeDBuilt", "AssignTicket", "TicketAssigned"],
  ["TicketAssigned", "PC1", "PC1Done"],
  ["PC1Done", "PC2", "PC2Done"],
  ["PC2Done", "SubmitPC", "PCSubmitted"],
  ["PCSubmitted", "CheckPC", "PCLanded"],
  ["PCSubmitted", "ReSubmitPC", "PC2Done"],
  ["PCLanded", "Persist", "Persisted"],
  ["Persisted", "SubmitPersistance", "PersistanceSubmitted"],
  ["PersistanceSubmitted", "AssignSeed", "SeedAssigned"],
  ["SeedAssigned", "C1", "C1Done"],
  ["C1Done", "C2", "C2Done"],
  ["C2Done", "SubmitProof", "ProofSubmitted"],
  ["ProofSubmitted", "Finish", "Finished"],
  ["ProofSubmitted", "ReSubmitProof", "C2Done"],
];

const wdpostExpected: Array<[WdPostState, WdPostEventKind, WdPostState]> = [
  ["Empty", "AllocateJob", "Allocated"],
  ["Allocated", "Generate", "Generated"],
  ["Generated", "Finish", "Finished"],
];

describe("sealer transition table", () => {
  it("walks every (state, event) pair: the listed ones move, every other one is rejected", () => {
    let accepted = 0;
    let rejected = 0;
    for (const state of sealerStates) {
      for (const event of sealerEventKinds) {
        const want = sealerExpected.find(([s, e]) => s === state && e === event);
        const got = nextSealerState(state, event);
        if (want === undefined) {
          assert.deepEqual(got, { ok: false, error: `unexpected event ${event} for state ${state}` });
          rejected++;
        } else {
          assert.deepEqual(got, { ok: true, next: want[2] }, `${state} + ${event}`);
          accepted++;
        }
      }
    }
    assert.equal(accepted, sealerExpected.length);
    assert.equal(accepted + rejected, sealerStates.length * sealerEventKinds.length);
  });
  it("never stays in the same state and has no way out of Finished or Aborted", () => {
    for (const [s, , n] of sealerExpected) assert.notEqual(s, n);
    for (const e of sealerEventKinds) {
      assert.equal(nextSealerState("Finished", e).ok, false);
      assert.equal(nextSealerState("Aborted", e).ok, false);
    }
  });
});

describe("wdpost transition table", () => {
  it("walks every (state, event) pair", () => {
    for (const state of wdpostStates) {
      for (const event of wdpostEventKinds) {
        const want = wdpostExpected.find(([s, e]) => s === state && e === event);
        const got = nextWdPostState(state, event);
        if (want === undefined) assert.equal(got.ok, false, `${state} + ${event}`);
        else assert.deepEqual(got, { ok: true, next: want[2] });
      }
    }
  });
});
