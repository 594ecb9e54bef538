// The rebuild and unseal handlers classify what they can check locally, before any processor or manager call:
// each failure level they raise there, with the field or the store named.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { failureLevel } from "../../../test/support/failure-level.js";
import { bundledPool, testStageDeps } from "../../../test/support/stage-deps.js";
import { unsealInfo } from "../../../test/support/unseal-info.js";
import { createVenusClient, type SectorUnsealInfo } from "../../shared/rpc/index.js";
import { emptyRebuildSector, emptyUnsealSector, type RebuildRecord, type UnsealRecord } from "../planner/sector.js";
import { SealingStore } from "../store/sealing-store.js";
import { execRebuild } from "./rebuild-handlers.js";
import { execUnseal, unsealedPiecePath } from "./unseal-handlers.js";

const dir = mkdtempSync(join(tmpdir(), "sealfarm-plan-handlers-"));
// Nothing listens on port 1: an allocation call there is an error, which means Idle.
const rpc = createVenusClient({ url: "http://127.0.0.1:1", timeoutMs: 2000 });
const pool = bundledPool("/nonexistent");
const store = new SealingStore(join(dir, "store"));
store.init();
const persist = join(dir, "persist-1");
const depsOf = (plan: "rebuild" | "unseal") =>
  testStageDeps({ plan, rpc, managerUrl: "http://127.0.0.1:1", pool, store, persistDir: persist });
const rebuildDeps = depsOf("rebuild");
const unsealDeps = depsOf("unseal");
after(async () => {
  rpc.close();
  await pool.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sector = { ID: { Miner: 1000, Number: 9 }, ProofType: 5 };
const unsealAt = (state: UnsealRecord["state"], info: SectorUnsealInfo | null): UnsealRecord => {
  const base = emptyUnsealSector();
  return { ...base, state, allocated: sector, phases: { ...base.phases, unsealIn: info } };
};
const rebuildAt = (state: RebuildRecord["state"], over: Partial<RebuildRecord["phases"]> = {}): RebuildRecord => {
  const base = emptyRebuildSector();
  return { ...base, state, allocated: sector, phases: { ...base.phases, ...over } };
};

describe("rebuild handlers", () => {
  it("an allocation error means Idle", async () => {
    assert.deepEqual(await execRebuild("Empty", emptyRebuildSector(), rebuildDeps), { kind: "Idle" });
  });
  it("aborts a snap-upgraded sector and a record missing the ticket, naming the field", async () => {
    const snap = rebuildAt("Allocated", {
      rebuildIn: {
        Sector: sector,
        Ticket: { Ticket: "", Epoch: 0 },
        Pieces: null,
        PiecesV2: null,
        IsSnapUp: true,
        UpgradePublic: null,
      },
    });
    const [lvl, msg] = await failureLevel(execRebuild("Allocated", snap, rebuildDeps));
    assert.equal(lvl, "abort");
    assert.match(msg, /snap-upgraded sector is not supported/);
    assert.deepEqual(await failureLevel(execRebuild("TreeDBuilt", rebuildAt("TreeDBuilt"), rebuildDeps)), [
      "abort",
      "field phases.ticket is required",
    ]);
    assert.deepEqual(await failureLevel(execRebuild("Persisted", rebuildAt("Persisted"), rebuildDeps)), [
      "abort",
      "field phases.persistInstance is required",
    ]);
  });
  it("has no handler for the terminal states (critical)", async () => {
    assert.equal((await failureLevel(execRebuild("Finished", rebuildAt("Finished"), rebuildDeps)))[0], "critical");
  });
});

describe("unseal handlers", () => {
  it("an allocation error means Idle; a record without its task aborts", async () => {
    assert.deepEqual(await execUnseal("Empty", emptyUnsealSector(), unsealDeps), { kind: "Idle" });
    assert.deepEqual(await failureLevel(execUnseal("Allocated", unsealAt("Allocated", null), unsealDeps)), [
      "abort",
      "field phases.unsealIn is required",
    ]);
  });
  it("a persist store not attached here, or one without the sector's files, is permanent", async () => {
    const [l1, m1] = await failureLevel(
      execUnseal(
        "Allocated",
        unsealAt("Allocated", unsealInfo({ PrivateInfo: { AccessInstance: "elsewhere" } })),
        unsealDeps,
      ),
    );
    assert.equal(l1, "permanent");
    assert.match(m1, /s-t01000-9 is persisted in store "elsewhere", which is not attached here/);
    const [l2, m2] = await failureLevel(execUnseal("Allocated", unsealAt("Allocated", unsealInfo()), unsealDeps));
    assert.equal(l2, "permanent");
    assert.match(m2, /sealed file or cache missing in store persist-1/);
  });
  it("a vanished unsealed piece is critical; a manager that cannot be reached is temporary", async () => {
    const info = unsealInfo();
    assert.equal((await failureLevel(execUnseal("Unsealed", unsealAt("Unsealed", info), unsealDeps)))[0], "critical");
    const piece = unsealedPiecePath(store.dataDir, info);
    mkdirSync(join(piece, ".."), { recursive: true });
    writeFileSync(piece, Buffer.alloc(1016));
    const [lvl, msg] = await failureLevel(execUnseal("Unsealed", unsealAt("Unsealed", info), unsealDeps));
    assert.equal(lvl, "temporary");
    assert.match(msg, /Venus\.AcquireUnsealDest/);
  });
});
