import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  nextRebuildState,
  type RebuildEventKind,
  type RebuildState,
  rebuildEventKinds,
  rebuildStage,
  rebuildStates,
} from "./rebuild.js";
import { nextSealerState, type SealerEventKind, type SealerState, sealerEventKinds, sealerStates } from "./sealer.js";
import {
  nextSnapUpState,
  type SnapUpEventKind,
  type SnapUpState,
  snapUpEventKinds,
  snapUpStage,
  snapUpStates,
} from "./snapup.js";
import type { Transition } from "./transition-table.js";
import {
  nextUnsealState,
  type UnsealEventKind,
  type UnsealPlanState,
  unsealEventKinds,
  unsealStage,
  unsealStates,
} from "./unseal.js";
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
  ["Generated", "Abort", "Aborted"],
];

/** Walks every (state, event) pair of a table against the expected list; returns how many moved. */
function walk<S extends string, E extends string>(
  states: readonly S[],
  events: readonly E[],
  next: (s: S, e: E) => Transition<S>,
  expected: Array<[S, E, S]>,
): number {
  let accepted = 0;
  for (const state of states) {
    for (const event of events) {
      const want = expected.find(([s, e]) => s === state && e === event);
      const got = next(state, event);
      if (want === undefined) {
        assert.deepEqual(got, { ok: false, error: `unexpected event ${event} for state ${state}` });
      } else {
        assert.deepEqual(got, { ok: true, next: want[2] }, `${state} + ${event}`);
        accepted++;
      }
    }
  }
  return accepted;
}

describe("sealer transition table", () => {
  it("walks every (state, event) pair: the listed ones move, every other one is rejected", () => {
    assert.equal(walk(sealerStates, sealerEventKinds, nextSealerState, sealerExpected), sealerExpected.length);
  });
  it("never stays in the same state and has no way out of Finished or Aborted", () => {
    for (const [s, , n] of sealerExpected) assert.notEqual(s, n);
    for (const e of sealerEventKinds) {
      assert.equal(nextSealerState("Finished", e).ok, false);
      assert.equal(nextSealerState("Aborted", e).ok, false);
    }
  });
});

// §3.5 without the snap branch: the sealer's steps with the given ticket, C1 as a check, persist, submit.
const rebuildExpected: Array<[RebuildState, RebuildEventKind, RebuildState]> = [
  ["Empty", "AllocatedRebuildSector", "Allocated"],
  ["Allocated", "AddPiece", "PieceAdded"],
  ["PieceAdded", "BuildTreeD", "TreeDBuilt"],
  ["TreeDBuilt", "PC1", "PC1Done"],
  ["PC1Done", "PC2", "PC2Done"],
  ["PC2Done", "CheckSealed", "SealedChecked"],
  ["SealedChecked", "SkipSnap", "SnapDone"],
  ["SnapDone", "Persist", "Persisted"],
  ["Persisted", "SubmitPersistance", "Finished"],
];

// §3.6.
const unsealExpected: Array<[UnsealPlanState, UnsealEventKind, UnsealPlanState]> = [
  ["Empty", "AllocatedUnsealSector", "Allocated"],
  ["Allocated", "UnsealDone", "Unsealed"],
  ["Unsealed", "UploadPieceDone", "Finished"],
];

describe("rebuild transition table", () => {
  it("walks every (state, event) pair: the listed ones move, every other one is rejected", () => {
    assert.equal(walk(rebuildStates, rebuildEventKinds, nextRebuildState, rebuildExpected), rebuildExpected.length);
  });
  it("is one path from Empty to Finished that visits every state but Aborted, each with a stage name", () => {
    let s: RebuildState = "Empty";
    const seen: RebuildState[] = [s];
    for (const [from, event, to] of rebuildExpected) {
      assert.equal(from, s);
      const t = nextRebuildState(s, event);
      assert.ok(t.ok);
      s = t.next;
      assert.equal(s, to);
      seen.push(s);
    }
    assert.equal(s, "Finished");
    assert.deepEqual([...seen, "Aborted"].sort(), [...rebuildStates].sort());
    for (const st of rebuildStates) assert.ok(rebuildStage[st].length > 0);
    assert.equal(rebuildStage.TreeDBuilt, "PC1");
    assert.equal(rebuildStage.PC2Done, "CheckSealed");
  });
});

describe("unseal transition table", () => {
  it("walks every (state, event) pair: the listed ones move, every other one is rejected", () => {
    assert.equal(walk(unsealStates, unsealEventKinds, nextUnsealState, unsealExpected), unsealExpected.length);
    for (const e of unsealEventKinds) {
      assert.equal(nextUnsealState("Finished", e).ok, false);
      assert.equal(nextUnsealState("Aborted", e).ok, false);
    }
    assert.equal(unsealStage.Allocated, "Unseal");
    assert.equal(unsealStage.Unsealed, "UploadPiece");
  });
});

describe("wdpost transition table", () => {
  it("walks every (state, event) pair: the listed ones move, every other one is rejected", () => {
    assert.equal(walk(wdpostStates, wdpostEventKinds, nextWdPostState, wdpostExpected), wdpostExpected.length);
  });
});

// §3.4, written out from damocles' planner/snapup.rs: one path, plus FilesMissed's way back to persist again.
const snapUpExpected: Array<[SnapUpState, SnapUpEventKind, SnapUpState]> = [
  ["Empty", "AllocatedSnapUpSector", "Allocated"],
  ["Allocated", "AddPiece", "PieceAdded"],
  ["PieceAdded", "BuildTreeD", "TreeDBuilt"],
  ["TreeDBuilt", "SnapEncode", "SnapEncoded"],
  ["SnapEncoded", "SnapProve", "SnapProved"],
  ["SnapProved", "Persist", "Persisted"],
  ["Persisted", "RePersist", "SnapProved"],
  ["Persisted", "Finish", "Finished"],
];

describe("snapup transition table", () => {
  it("walks every (state, event) pair: the listed ones move, every other one is rejected", () => {
    assert.equal(walk(snapUpStates, snapUpEventKinds, nextSnapUpState, snapUpExpected), snapUpExpected.length);
    for (const e of snapUpEventKinds) {
      assert.equal(nextSnapUpState("Finished", e).ok, false);
      assert.equal(nextSnapUpState("Aborted", e).ok, false);
    }
  });
  it("reaches every state but Aborted from Empty, and names each state's work", () => {
    const reached = new Set<SnapUpState>(["Empty"]);
    for (const [, , to] of snapUpExpected) reached.add(to);
    assert.deepEqual([...reached, "Aborted"].sort(), [...snapUpStates].sort());
    assert.equal(snapUpStage.TreeDBuilt, "SnapEncode");
    assert.equal(snapUpStage.SnapEncoded, "SnapProve");
    assert.equal(snapUpStage.Persisted, "SubmitSnapUpProof");
  });
});
