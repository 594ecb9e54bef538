import assert from "node:assert/strict";
import { test } from "node:test";
import type { SectorsTable } from "../db/tables/sectors.table.js";
import { unsealRefusal } from "../unseal/unseal.service.js";
import { specAllows } from "./allocate.service.js";
import { rebuildRefusal } from "./rebuild.service.js";
import { NEITHER_REBUILT_NOR_SNAPPED } from "./sector.repository.js";

const proving: SectorsTable = {
  miner: 1000,
  number: 7,
  proof_type: 5,
  state: "Active",
  created_at: 0,
  updated_at: 0,
  worker: "w",
  location: "/l",
  latest_state: "Finished",
  last_failure: null,
  ticket: "dA==",
  ticket_epoch: 3,
  deals_acquired: 1,
  pc_comm_r: "aa",
  pc_comm_d: "bb",
  pc_ticket: "dA==",
  pc_ticket_epoch: 3,
  pc_stage: "landed",
  pc_msg: "m1",
  pc_desc: null,
  pc_queued_at: 1,
  pc_epoch: 4,
  seed: "cw==",
  seed_epoch: 6,
  persist_instance: "persist-1",
  reserved_store: "persist-1",
  reserved_size: null,
  proof: "cA==",
  proof_stage: "landed",
  proof_msg: "m2",
  proof_desc: null,
  proof_queued_at: 2,
  active_epoch: 9,
  deadline: 0,
  faulty: 0,
  finalized: 1,
  aborted: 0,
  abort_reason: null,
  ...NEITHER_REBUILT_NOR_SNAPPED,
};

test("rebuild: only a finalized Active sector with ticket, commitments and persist instance", () => {
  assert.equal(rebuildRefusal(proving), null);
  assert.equal(rebuildRefusal({ ...proving, finalized: 0, rebuild_state: "running" }), null, "re-queue a running one");
  assert.equal(rebuildRefusal({ ...proving, faulty: 1 }), null, "a faulty sector is what rebuild is for");
  assert.match(rebuildRefusal({ ...proving, state: "ProofSent" }) ?? "", /is ProofSent, not proving/);
  assert.match(rebuildRefusal({ ...proving, finalized: 0 }) ?? "", /still being sealed/);
  assert.match(rebuildRefusal({ ...proving, aborted: 1, abort_reason: "x" }) ?? "", /was aborted \(x\)/);
  assert.match(
    rebuildRefusal({ ...proving, pc_ticket: null, persist_instance: null }) ?? "",
    /has no stored ticket, persist instance;/,
  );
});

test("unseal: only from a proving sector that is not being rebuilt", () => {
  assert.equal(unsealRefusal(proving), null);
  assert.match(unsealRefusal({ ...proving, rebuild_state: "queued" }) ?? "", /is being rebuilt \(queued\)/);
  assert.match(unsealRefusal({ ...proving, finalized: 0 }) ?? "", /is not proving \(Active, sealing\)/);
  assert.match(unsealRefusal({ ...proving, aborted: 1 }) ?? "", /was aborted/);
});

test("an allocation spec: null or empty lists allow everything", () => {
  assert.equal(specAllows({ AllowedMiners: null, AllowedProofTypes: null }, 1000, 5), true);
  assert.equal(specAllows({ AllowedMiners: [], AllowedProofTypes: [] }, 1000, 5), true);
  assert.equal(specAllows({ AllowedMiners: [1000], AllowedProofTypes: [5] }, 1000, 5), true);
  assert.equal(specAllows({ AllowedMiners: [1001], AllowedProofTypes: null }, 1000, 5), false);
  assert.equal(specAllows({ AllowedMiners: null, AllowedProofTypes: [8] }, 1000, 5), false);
});
