// Deals: `sealfarm deals import` (CommP by sealfarm-proofs) while the manager runs, AcquireDeals packing with
// alignment and pledge pieces, /piecestore, the CommD check against the pieces, and deals released on abort.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { computeCommD, zeroCommitment } from "../../../agent/manager/proofs/comm-d.js";
import { commitmentFromPieceCid } from "../../../agent/manager/proofs/piece-cid.js";
import { hasSubcommand, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { SubmitResult } from "../../../agent/shared/rpc/venus-types.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";

const bin = fileURLToPath(new URL("../../../bin/sealfarm.js", import.meta.url));

/** The CLI as its own process, as an operator runs it next to a running manager (two SQLite connections). */
async function cli(argv: string[]) {
  const r = await execa(process.execPath, [bin, ...argv], { reject: false });
  return { code: r.exitCode ?? -1, out: r.stdout, err: r.stderr };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: deals`, () => {
    let commpAvailable = false;
    const files: { path: string; bytes: Buffer }[] = [];
    const { tdb, manager, client } = managerUnderTest(dialect, {
      toml: { miners: [{ actor: 1000, enable_deals: true }] },
      // The manager.toml that `deals import --home` reads (the manager itself runs on testConfig).
      beforeStart: (t) => {
        const toml = [
          'listen = "127.0.0.1:0"',
          `[db]\nurl = "${t.url}"`,
          '[chain]\nblock_time = "50ms"\nconfidence = 1\nprecommit_challenge_delay = 1',
          "[[miners]]\nactor = 1000\nenable_deals = true",
          "",
        ].join("\n");
        writeFileSync(join(t.home, "manager.toml"), toml);
      },
    });

    before(async () => {
      commpAvailable = await hasSubcommand(resolveProofsBin(""), "commp");
      for (const size of [1000, 300]) {
        const path = join(tdb().home, `payload-${size}.bin`);
        const bytes = randomBytes(size);
        writeFileSync(path, bytes);
        files.push({ path, bytes });
      }
    });

    test("import, pack, serve, check CommD, release on abort", async () => {
      assert.ok(commpAvailable, "sealfarm-proofs has no commp subcommand (run `npm run build:native`)");
      const imported = [];
      for (const f of files) {
        const r = await cli(["deals", "import", f.path, "--home", tdb().home, "--json"]);
        assert.equal(r.code, 0, r.err);
        assert.doesNotMatch(r.err, /takes no deals/, "the miner takes deals: no note");
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

      const sector = await client().callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(sector);
      const pieces = await client().callVenus("AcquireDeals", [sector.ID, { MaxDeals: null, MinUsedSpace: null }]);
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
        await client().callVenus("AcquireDeals", [sector.ID, { MaxDeals: null, MinUsedSpace: null }]),
        pieces,
        "idempotent",
      );

      const served = await fetch(`${manager().url}/piecestore/${imported[0]?.pieceCid}`);
      assert.equal(served.status, 200);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), files[0]?.bytes);
      assert.equal((await fetch(`${manager().url}/piecestore/bagaunknown`)).status, 404);

      const ticket = await client().callVenus("AssignTicket", [sector.ID]);
      const cc = await client().callVenus("SubmitPreCommit", [
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
      const ok = await client().callVenus("SubmitPreCommit", [
        sector,
        { CommR: new Array(32).fill(1), CommD: Array.from(commD), Ticket: ticket },
        false,
      ]);
      assert.equal(ok.Res, SubmitResult.Accepted, ok.Desc ?? "");

      const listed = await client().callVenus("ListSectors", [null]);
      assert.equal(listed.find((s) => s.ID.Number === sector.ID.Number)?.Deals, 2);

      // Aborting the sector puts its deals back in the queue for the next sector.
      await client().callVenus("ReportAborted", [sector.ID, "test abort"]);
      const next = await client().callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(next);
      const again = await client().callVenus("AcquireDeals", [next.ID, { MaxDeals: 1, MinUsedSpace: null }]);
      assert.deepEqual(
        again?.filter((p) => p.DealInfo.DealID !== 0).map((p) => p.DealInfo.DealID),
        [1],
        "MaxDeals caps the deals",
      );
    });

    test("import refuses a file for an unknown miner and a missing file", async () => {
      const r = await cli(["deals", "import", files[0]?.path ?? "", "--home", tdb().home, "--miner", "t09999"]);
      assert.equal(r.code, 1);
      assert.match(r.err, /--miner: 9999 is not a miner in manager.toml/);
      const missing = await cli(["deals", "import", join(tdb().home, "nope.bin"), "--home", tdb().home]);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /nope\.bin/);
    });
  });
}

describe("deals import for a miner that takes no deals", () => {
  test("queues the deal and says on stderr that no sector will take it", async (t) => {
    if (!(await hasSubcommand(resolveProofsBin(""), "commp"))) return t.skip("sealfarm-proofs has no commp");
    const home = mkdtempSync(join(tmpdir(), "sealfarm-deals-cc-"));
    try {
      const toml = [`[db]\nurl = "sqlite://${join(home, "manager.db")}"`, "[[miners]]\nactor = 1000", ""].join("\n");
      writeFileSync(join(home, "manager.toml"), toml);
      writeFileSync(join(home, "piece.bin"), randomBytes(500));
      const r = await cli(["deals", "import", join(home, "piece.bin"), "--home", home]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^deal 1: baga6ea4seaq\S+ \(512 padded bytes, 500 payload\) queued for t01000$/);
      assert.match(
        r.err,
        /^note: t01000 takes no deals \(enable_deals = false in manager\.toml; .*deals: true in sealfarm:farm\)/,
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
