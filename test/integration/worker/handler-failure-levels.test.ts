// Each sealer handler classifies its failures where it understands them (STYLE: `.temp()`, `.abort()`, ...).
// Driven against the real manager and the real processors, one handler call per level.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createVenusClient, type VenusClient } from "../../../agent/shared/rpc/index.js";
import { mergeSealing } from "../../../agent/worker/config/worker-config.js";
import { defaultProofsBin } from "../../../agent/worker/default-bin.js";
import { emptySector, type SectorRecord } from "../../../agent/worker/planner/sector.js";
import type { ProcessorPool } from "../../../agent/worker/processors/processor-pool.js";
import { execSealer } from "../../../agent/worker/stages/sealer-handlers.js";
import type { StageDeps } from "../../../agent/worker/stages/stage-deps.js";
import { SealingStore } from "../../../agent/worker/store/sealing-store.js";
import { bareProcessorPool, failureOf, testStageDeps } from "../../support/stage-deps.js";
import { type Farm, requireStages, startFarm } from "./harness.js";

await requireStages(["add_pieces", "pc1"]);
const dir = mkdtempSync(join(tmpdir(), "sealfarm-levels-"));

describe("sealer handler failure levels", () => {
  let farm: Farm;
  let pool: ProcessorPool;
  let deps: (rpc?: VenusClient) => StageDeps;
  before(async () => {
    farm = await startFarm({ threads: 1 });
    pool = bareProcessorPool(defaultProofsBin());
    const store = new SealingStore(join(dir, "store"));
    store.init();
    deps = (rpc = farm.rpc) =>
      testStageDeps(
        { rpc, pool, store, persistDir: farm.persistDir },
        { managerUrl: farm.manager.url, instance: "levels" },
      );
  });
  after(async () => {
    await pool?.stop();
    await farm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (state: SectorRecord["state"], over: Partial<SectorRecord> = {}): SectorRecord => ({
    ...emptySector(),
    state,
    ...over,
  });

  it("allocation errors and an empty answer mean Idle, not a failure", async () => {
    const down = createVenusClient({ url: "http://127.0.0.1:1" });
    assert.deepEqual(await execSealer("Empty", at("Empty"), deps(down)), { kind: "Idle" });
    down.close();
    const none = mergeSealing({ allowedMiners: [4242] });
    assert.deepEqual(await execSealer("Empty", at("Empty"), { ...deps(), options: none }), { kind: "Idle" });
  });

  it("an unreachable manager is temporary; an unknown sector (11001) aborts", async () => {
    const down = createVenusClient({ url: "http://127.0.0.1:1" });
    const ghost = at("TicketAssigned", { allocated: { ID: { Miner: 1000, Number: 999 }, ProofType: 5 } });
    const [l1, m1] = await failureOf(
      execSealer(
        "PC2Done",
        {
          ...ghost,
          state: "PC2Done",
          phases: {
            ...ghost.phases,
            pc2out: { comm_r: Array(32).fill(1), comm_d: Array(32).fill(2) },
            ticket: { Ticket: Buffer.alloc(32).toString("base64"), Epoch: 1 },
          },
        },
        deps(down),
      ),
    );
    down.close();
    assert.equal(l1, "temporary");
    assert.match(m1, /^Venus\.SubmitPreCommit: .*ECONNREFUSED/);
    const [l2, m2] = await failureOf(execSealer("TicketAssigned", ghost, deps()));
    assert.equal(l2, "abort");
    assert.match(m2, /Venus\.AssignTicket: sector state not found: s-t01000-999/);
  });

  it("a mismatched PreCommit is permanent; a missing stored field aborts", async () => {
    const sector = await farm.rpc.callVenus("AllocateSector", [{ AllowedMiners: [], AllowedProofTypes: [] }]);
    assert.ok(sector);
    const ticket = await farm.rpc.callVenus("AssignTicket", [sector.ID]);
    const s = at("PC2Done", { allocated: sector });
    const wrong = {
      ...s,
      phases: { ...s.phases, ticket, pc2out: { comm_r: Array(32).fill(7), comm_d: Array(32).fill(9) } },
    };
    const [l1, m1] = await failureOf(execSealer("PC2Done", wrong, deps()));
    assert.equal(l1, "permanent");
    assert.match(m1, /Venus\.SubmitPreCommit: .*CommD.*\(mismatched submission\)/);
    const [l2, m2] = await failureOf(execSealer("SeedAssigned", at("SeedAssigned", { allocated: sector }), deps()));
    assert.equal(l2, "abort");
    assert.equal(m2, "field phases.pc2out is required");
  });

  it("a processor that answers err_msg is permanent; a bad sealing store is critical", async () => {
    const sector = await farm.rpc.callVenus("AllocateSector", [{ AllowedMiners: [], AllowedProofTypes: [] }]);
    assert.ok(sector);
    const d = deps();
    d.store.prepare(sector.ID);
    // PC1 on a staged file that was never written.
    const s = at("TicketAssigned", {
      allocated: sector,
      phases: { ...emptySector().phases, pieces: [{ commitment: Array(32).fill(0), size: 2032 }] },
    });
    const [l1, m1] = await failureOf(execSealer("TicketAssigned", s, d));
    assert.equal(l1, "permanent");
    assert.match(m1, /^pc1: .*unsealed\/s-t01000-\d+/);
    // A sealing store under a regular file: its data dirs cannot be created.
    writeFileSync(join(dir, "a-file"), "");
    const broken = { ...d, store: new SealingStore(join(dir, "a-file", "store")) };
    const [l2, m2] = await failureOf(execSealer("DealsAcquired", at("DealsAcquired", { allocated: sector }), broken));
    assert.equal(l2, "critical");
    assert.match(m2, /prepare data dirs in .*a-file\/store\/data: ENOTDIR/);
  });
});
