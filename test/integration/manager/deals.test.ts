// Deals: `sealfarm deals import` (CommP by sealfarm-proofs) while the manager runs, AcquireDeals packing with
// alignment and pledge pieces, /piecestore, the CommD check against the pieces, and deals released on abort.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { type RunningManager, startManager } from "../../../agent/manager/manager.js";
import { computeCommD, zeroCommitment } from "../../../agent/manager/proofs/comm-d.js";
import { commitmentFromPieceCid } from "../../../agent/manager/proofs/piece-cid.js";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { createVenusClient, type VenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { SubmitResult } from "../../../agent/shared/rpc/venus-types.js";
import { DIALECTS, freshDatabase, type TestDatabase, testConfig } from "./dialects.js";

const bin = fileURLToPath(new URL("../../../bin/sealfarm.js", import.meta.url));

/** The CLI as its own process, as an operator runs it next to a running manager (two SQLite connections). */
async function cli(argv: string[]) {
  const r = await execa(process.execPath, [bin, ...argv], { reject: false });
  return { code: r.exitCode ?? -1, out: r.stdout, err: r.stderr };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: deals`, () => {
    let tdb: TestDatabase;
    let m: RunningManager;
    let c: VenusClient;
    let commpAvailable = false;
    const files: { path: string; bytes: Buffer }[] = [];

    before(async () => {
      commpAvailable = await hasSubcommand(resolveProofsBin(""), "commp");
      tdb = await freshDatabase(dialect);
      const toml = [
        'listen = "127.0.0.1:0"',
        `[db]\nurl = "${tdb.url}"`,
        '[chain]\nblock_time = "50ms"\nconfidence = 1\nprecommit_challenge_delay = 1',
        "[[miners]]\nactor = 1000\nenable_deals = true",
        "",
      ].join("\n");
      writeFileSync(join(tdb.home, "manager.toml"), toml);
      m = await startManager({
        config: testConfig(tdb.home, tdb.url, { miners: [{ actor: 1000, enable_deals: true }] }),
      });
      c = createVenusClient({ url: m.url });
      for (const size of [1000, 300]) {
        const path = join(tdb.home, `payload-${size}.bin`);
        const bytes = randomBytes(size);
        writeFileSync(path, bytes);
        files.push({ path, bytes });
      }
    });
    after(async () => {
      c?.close();
      await m?.close();
      await tdb?.drop();
    });

    test("import, pack, serve, check CommD, release on abort", async () => {
      assert.ok(commpAvailable, "sealfarm-proofs has no commp subcommand (run `npm run build:native`)");
      const imported = [];
      for (const f of files) {
        const r = await cli(["deals", "import", f.path, "--home", tdb.home, "--json"]);
        assert.equal(r.code, 0, r.err);
        imported.push(JSON.parse(r.out) as { id: number; pieceCid: string; paddedSize: number; payloadSize: number });
      }
      assert.deepEqual(
        imported.map((d) => [d.id, d.paddedSize, d.payloadSize]),
        [
          [1, 1024, 1000],
          [2, 512, 300],
        ],
      );
      assert.ok(imported[0]?.pieceCid.startsWith("baga6ea4seaq"));

      const sector = await c.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(sector);
      const pieces = await c.callVenus("AcquireDeals", [sector.ID, { MaxDeals: null, MinUsedSpace: null }]);
      assert.ok(pieces);
      assert.deepEqual(
        pieces.map((p) => [p.DealInfo.DealID, p.Piece.Size, p.DealInfo.Offset, p.DealInfo.IsBuiltinMarket]),
        [
          [1, 1024, 0, true],
          [2, 512, 1024, true],
          [0, 512, 1536, false],
        ],
      );
      assert.deepEqual(commitmentFromPieceCid(pieces[2]?.Piece.PieceCID["/"] ?? ""), zeroCommitment(512));
      assert.deepEqual(
        await c.callVenus("AcquireDeals", [sector.ID, { MaxDeals: null, MinUsedSpace: null }]),
        pieces,
        "idempotent",
      );

      const served = await fetch(`${m.url}/piecestore/${imported[0]?.pieceCid}`);
      assert.equal(served.status, 200);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), files[0]?.bytes);
      assert.equal((await fetch(`${m.url}/piecestore/bagaunknown`)).status, 404);

      const ticket = await c.callVenus("AssignTicket", [sector.ID]);
      const cc = await c.callVenus("SubmitPreCommit", [
        sector,
        { CommR: new Array(32).fill(1), CommD: Array.from(zeroCommitment(2048)), Ticket: ticket },
        false,
      ]);
      assert.equal(cc.Res, SubmitResult.MismatchedSubmission, "a CC CommD for a sector with deals");
      const commD = computeCommD(
        2048,
        pieces.map((p) => ({
          paddedSize: p.Piece.Size,
          commitment: commitmentFromPieceCid(p.Piece.PieceCID["/"]) ?? Buffer.alloc(32),
        })),
      );
      const ok = await c.callVenus("SubmitPreCommit", [
        sector,
        { CommR: new Array(32).fill(1), CommD: Array.from(commD), Ticket: ticket },
        false,
      ]);
      assert.equal(ok.Res, SubmitResult.Accepted, ok.Desc ?? "");

      const listed = await c.callVenus("ListSectors", [null]);
      assert.equal(listed.find((s) => s.ID.Number === sector.ID.Number)?.Deals, 2);

      // Aborting the sector puts its deals back in the queue for the next sector.
      await c.callVenus("ReportAborted", [sector.ID, "test abort"]);
      const next = await c.callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(next);
      const again = await c.callVenus("AcquireDeals", [next.ID, { MaxDeals: 1, MinUsedSpace: null }]);
      assert.deepEqual(
        again?.filter((p) => p.DealInfo.DealID !== 0).map((p) => p.DealInfo.DealID),
        [1],
        "MaxDeals caps the deals",
      );
    });

    test("import refuses a file for an unknown miner and a missing file", async () => {
      const r = await cli(["deals", "import", files[0]?.path ?? "", "--home", tdb.home, "--miner", "t09999"]);
      assert.equal(r.code, 1);
      assert.match(r.err, /--miner: 9999 is not a miner in manager.toml/);
      const missing = await cli(["deals", "import", join(tdb.home, "nope.bin"), "--home", tdb.home]);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /nope\.bin/);
    });
  });
}
