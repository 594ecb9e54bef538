// Rebuild and unseal on the manager side, over real HTTP, on SQLite and PostgreSQL: sectors really sealed with
// sealfarm-proofs (2 KiB; one holds a deal of 2032 zero bytes, so its data seals like a CC sector), queued for
// rebuild and walked through a rebuild, unseal tasks queued by piece CID and unsealed for real by the binary, and
// PUT /piecestore/<cid> checked by CommP.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { UsageError } from "../../../agent/cli/command.js";
import { sectorsRebuild } from "../../../agent/cli/commands/sectors-rebuild.js";
import { sectorsUnseal } from "../../../agent/cli/commands/sectors-unseal.js";
import { importDeal } from "../../../agent/manager/deals/deal.service.js";
import { pieceCidFromCommitment } from "../../../agent/manager/proofs/piece-cid.js";
import { computeCommP, proverId, resolveProofsBin } from "../../../agent/manager/proofs/proofs-binary.js";
import { loadOrCreateSecret } from "../../../agent/shared/auth/secret-file.js";
import { RpcError, RpcErrorCode } from "../../../agent/shared/rpc/json-rpc.js";
import { type SectorID, type SectorPieceV2, type Ticket, UnsealState } from "../../../agent/shared/rpc/venus-types.js";
import { createToken } from "../../../components/core/auth/tokens.js";
import { waitFor } from "../../support/wait.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";
import { commitPhase, persist, precommitPhase, runStage, type SealDir } from "./real-seal.js";
import { preCommitLanded, proofLanded, report } from "./scripted-worker.js";

const bin = resolveProofsBin("");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ANY = { AllowedMiners: null, AllowedProofTypes: null };

async function rejects(p: Promise<unknown>, code: number, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RpcError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

interface Sealed {
  sid: SectorID;
  ticket: Ticket;
  pieces: SectorPieceV2[] | null;
  seal: SealDir;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: rebuild and unseal`, () => {
    const { tdb, manager, client, restart } = managerUnderTest(dialect, {
      toml: {
        miners: [
          { actor: 1000, seal_proof: "StackedDrg2KiBV1_1", min_number: 1, max_number: 1000, enable_deals: true },
        ],
        persist_stores: [
          { name: "persist-1", path: "persist-1" },
          { name: "persist-2", path: "persist-2" },
        ],
      },
    });
    let dealSector: Sealed;
    let ccSector: Sealed;
    let dealCid: string;

    /** AllocateSector → AcquireDeals → ticket → real PC → landed → persisted → real proof → Active → finalized. */
    async function sealForReal(): Promise<Sealed> {
      const sector = await client().callVenus("AllocateSector", [ANY]);
      assert.ok(sector);
      const sid = sector.ID;
      const pieces = await client().callVenus("AcquireDeals", [sid, { MaxDeals: null, MinUsedSpace: null }]);
      const ticket = await client().callVenus("AssignTicket", [sid]);
      const seal = await precommitPhase(bin, join(tdb().home, "work", String(sid.Number)), sid.Number, ticket.Ticket);
      await preCommitLanded(client(), sector, { CommR: seal.commR, CommD: seal.commD, Ticket: ticket });
      assert.equal((await client().callVenus("StoreReserveSpace", [sid, 4096, ["persist-1"]]))?.Name, "persist-1");
      persist(seal, join(tdb().home, "persist-1"), `s-t01000-${sid.Number}`);
      assert.equal(await client().callVenus("SubmitPersistedEx", [sid, "persist-1", false]), true);
      let seed = null;
      while (seed === null) {
        seed = (await client().callVenus("WaitSeed", [sid, 5])).Seed;
        if (seed === null) await sleep(50);
      }
      const proof = await commitPhase(bin, seal, sid.Number, ticket.Ticket, seed.Seed);
      await proofLanded(client(), sid, proof);
      assert.equal(await client().callVenus("ReportFinalized", [sid]), null);
      return { sid, ticket, pieces, seal };
    }

    before(async () => {
      // A deal of 2032 zero bytes fills the 2 KiB sector: the first sector holds it, the second is CC.
      const deal = join(tdb().home, "zero-deal.bin");
      writeFileSync(deal, Buffer.alloc(2032));
      dealCid = (await importDeal(manager().ctx, deal, 1000)).pieceCid;
      dealSector = await sealForReal();
      assert.equal(dealSector.pieces?.length, 1);
      ccSector = await sealForReal();
      assert.equal(ccSector.pieces, null);
    });

    test("rebuild: only a proving sector is queued; allocation hands out the stored ticket and pieces; the walk ends proving with the new instance", async () => {
      // Refusals: unknown, still sealing, deal pieces without --pieces-available.
      await rejects(
        client().callVenus("SectorSetForRebuild", [{ Miner: 1000, Number: 999 }, { PiecesAvailable: false }]),
        RpcErrorCode.SectorStateNotFound,
        /s-t01000-999 not found/,
      );
      const sealing = await client().callVenus("AllocateSector", [ANY]);
      assert.ok(sealing);
      await rejects(
        client().callVenus("SectorSetForRebuild", [sealing.ID, { PiecesAvailable: false }]),
        RpcErrorCode.Generic,
        /is Allocated, not proving; only a sector that finished sealing \(Active\) can be rebuilt/,
      );
      await client().callVenus("ReportAborted", [sealing.ID, "test"]);
      await rejects(
        client().callVenus("SectorSetForRebuild", [sealing.ID, { PiecesAvailable: false }]),
        RpcErrorCode.Generic,
        /was aborted/,
      );
      await rejects(
        client().callVenus("SectorSetForRebuild", [dealSector.sid, { PiecesAvailable: false }]),
        RpcErrorCode.Generic,
        /holds 1 deal piece\(s\).*pass --pieces-available/,
      );
      await rejects(
        client().callVenus("SectorSetForRebuild", [{ Miner: 1000 } as SectorID, { PiecesAvailable: false }]),
        RpcErrorCode.InvalidParams,
        /param 0 \(sid\) \/Number: missing/,
      );
      assert.equal(await client().callVenus("AllocateRebuildSector", [ANY]), null, "nothing queued yet");

      // Queued, survives a restart, handed out once, to a spec that allows it.
      const sid = dealSector.sid;
      assert.equal(await client().callVenus("SectorSetForRebuild", [sid, { PiecesAvailable: true }]), true);
      await restart();
      assert.equal((await client().callVenus("FindSector", [sid])).Sector.Rebuild, "queued");
      assert.equal(
        (await client().callVenus("ReportState", [sid, stateReq("Empty", "Allocated")])).Finalized,
        true,
        "queued, not live until a worker has it",
      );
      assert.equal(
        await client().callVenus("AllocateRebuildSector", [{ AllowedMiners: [1001], AllowedProofTypes: null }]),
        null,
      );
      assert.equal(
        await client().callVenus("AllocateRebuildSector", [{ AllowedMiners: null, AllowedProofTypes: [8] }]),
        null,
      );
      const info = await client().callVenus("AllocateRebuildSector", [
        { AllowedMiners: [1000], AllowedProofTypes: [5] },
      ]);
      assert.ok(info);
      assert.deepEqual(info.Sector, { ID: sid, ProofType: 5 });
      assert.deepEqual(info.Ticket, dealSector.ticket, "the stored ticket");
      assert.deepEqual(info.PiecesV2, dealSector.pieces, "the pieces exactly as AcquireDeals returned them");
      assert.equal(info.Pieces, null);
      assert.equal(info.IsSnapUp, false);
      assert.equal(info.UpgradePublic, null);
      assert.equal(await client().callVenus("AllocateRebuildSector", [ANY]), null, "handed out once");

      // The sector is live for the rebuild worker; it stays Active (and proving) throughout.
      assert.deepEqual(await client().callVenus("ReportState", [sid, stateReq("Empty", "Allocated")]), {
        Id: sid,
        Finalized: false,
        AbortReason: null,
      });
      assert.deepEqual(await client().callVenus("AssignTicket", [sid]), dealSector.ticket, "no fresh ticket");
      assert.deepEqual(
        await client().callVenus("AcquireDeals", [sid, { MaxDeals: null, MinUsedSpace: null }]),
        dealSector.pieces,
      );
      await report(client(), sid, "SealedChecked", "SnapDone");
      const store = await client().callVenus("StoreReserveSpace", [sid, 4096, ["persist-2"]]);
      assert.equal(store?.Name, "persist-2");
      assert.equal(
        await client().callVenus("SubmitPersistedEx", [sid, "persist-2", false]),
        false,
        "files not there yet",
      );
      persist(dealSector.seal, join(tdb().home, "persist-2"), `s-t01000-${sid.Number}`);
      assert.equal(await client().callVenus("SubmitPersistedEx", [sid, "persist-2", false]), true);
      await report(client(), sid, "SnapDone", "Persisted");
      const during = (await client().callVenus("ListSectors", ["Active"])).find((s) => s.ID.Number === sid.Number);
      assert.equal(during?.Finalized, false);
      assert.equal(during?.Rebuild, "running");
      assert.equal(await client().callVenus("ReportFinalized", [sid]), null);

      const row = await manager()
        .ctx.db.selectFrom("sectors")
        .selectAll()
        .where("miner", "=", 1000)
        .where("number", "=", sid.Number)
        .executeTakeFirstOrThrow();
      assert.equal(row.persist_instance, "persist-2");
      assert.equal(row.rebuild_state, "none");
      assert.equal(row.reserved_size, null);
      const after = await client().callVenus("FindSector", [sid]);
      assert.equal(after.Sector.State, "Active");
      assert.equal(after.Sector.Finalized, true);
      assert.equal(after.Sector.Rebuild, undefined);
      assert.equal((await client().callVenus("ReportState", [sid, stateReq("Persisted", "Finished")])).Finalized, true);
      assert.equal(await client().callVenus("AllocateRebuildSector", [ANY]), null);
    });

    test("rebuild of a CC sector: PiecesV2 null; ReportAborted ends the rebuild, the sector keeps proving; re-queuing a running rebuild takes it back", async () => {
      const sid = ccSector.sid;
      assert.equal(await client().callVenus("SectorSetForRebuild", [sid, { PiecesAvailable: false }]), true);
      assert.equal(
        await client().callVenus("SectorSetForRebuild", [sid, { PiecesAvailable: false }]),
        true,
        "again: no-op",
      );
      const first = await client().callVenus("AllocateRebuildSector", [ANY]);
      assert.equal(first?.PiecesV2, null);
      assert.deepEqual(first?.Ticket, ccSector.ticket);
      // The worker holding it is gone: queue it again; the old worker is told to stop.
      assert.equal(await client().callVenus("SectorSetForRebuild", [sid, { PiecesAvailable: false }]), true);
      assert.equal(
        (await client().callVenus("ReportState", [sid, stateReq("Allocated", "PieceAdded")])).Finalized,
        true,
      );
      const second = await client().callVenus("AllocateRebuildSector", [ANY]);
      assert.deepEqual(second?.Sector.ID, sid);
      assert.equal(await client().callVenus("ReportAborted", [sid, "pc1 failed for good"]), null);
      const v = (await client().callVenus("FindSector", [sid])).Sector;
      assert.equal(v.State, "Active");
      assert.equal(v.Finalized, true);
      assert.equal(v.AbortReason, null);
      assert.match(v.LastFailure ?? "", /rebuild aborted: pc1 failed for good/);
    });

    test("unseal: queued by piece CID, allocated with the stored CommD/ticket/instance, real unseal uploaded to store:///, achieved ok and with an error", async () => {
      const sid = dealSector.sid;
      const otherCid = pieceCidFromCommitment(randomBytes(32));
      // Bad inputs, each naming what is wrong.
      await rejects(
        client().callVenus("SectorSetForUnseal", [{ PieceCid: { "/": "bafy-not-a-piece" }, Sector: null, Dest: null }]),
        RpcErrorCode.InvalidParams,
        /PieceCid: expected a piece CID/,
      );
      await rejects(
        client().callVenus("SectorSetForUnseal", [{ PieceCid: { "/": otherCid }, Sector: null, Dest: null }]),
        RpcErrorCode.Generic,
        new RegExp(`piece ${otherCid} not found in any sector`),
      );
      await rejects(
        client().callVenus("SectorSetForUnseal", [{ PieceCid: { "/": dealCid }, Sector: ccSector.sid, Dest: null }]),
        RpcErrorCode.Generic,
        new RegExp(`not found in s-t01000-${ccSector.sid.Number}`),
      );
      await rejects(
        client().callVenus("SectorSetForUnseal", [{ PieceCid: { "/": dealCid }, Sector: null, Dest: ["ftp://h/x"] }]),
        RpcErrorCode.InvalidParams,
        /Dest\/0: "ftp:\/\/h\/x": unsupported scheme "ftp:"/,
      );
      await rejects(
        client().callVenus("SectorSetForUnseal", [
          { PieceCid: { "/": dealCid }, Sector: null, Dest: [`store:///${otherCid}`] },
        ]),
        RpcErrorCode.InvalidParams,
        /Dest\/0: .*expected store:\/\/\/baga/,
      );
      await rejects(
        client().callVenus("SectorSetForUnseal", [
          { PieceCid: { "/": dealCid }, Sector: null, Dest: ["file://host/x"] },
        ]),
        RpcErrorCode.InvalidParams,
        /expected file:\/\/\/ABS\/PATH/,
      );
      await rejects(
        client().callVenus("AcquireUnsealDest", [sid, { "/": dealCid }]),
        RpcErrorCode.Generic,
        /no unseal task for piece/,
      );
      await rejects(
        client().callVenus("AchieveUnsealSector", [sid, { "/": dealCid }, ""]),
        RpcErrorCode.Generic,
        /no unseal task for piece/,
      );
      assert.equal(await client().callVenus("AllocateUnsealSector", [ANY]), null);

      const task = await client().callVenus("SectorSetForUnseal", [
        { PieceCid: { "/": dealCid }, Sector: null, Dest: null },
      ]);
      assert.deepEqual(
        { ...task, CreatedAt: 0, UpdatedAt: 0 },
        {
          Sector: sid,
          PieceCid: { "/": dealCid },
          Offset: 0,
          Size: 2032,
          Dest: [`store:///${dealCid}`],
          State: UnsealState.Set,
          StateName: "Set",
          ErrorInfo: "",
          CreatedAt: 0,
          UpdatedAt: 0,
        },
      );
      await restart();
      assert.equal(
        await client().callVenus("AllocateUnsealSector", [{ AllowedMiners: [1001], AllowedProofTypes: null }]),
        null,
      );
      const info = await client().callVenus("AllocateUnsealSector", [
        { AllowedMiners: [1000], AllowedProofTypes: [5] },
      ]);
      assert.ok(info);
      assert.deepEqual(info.Sector, { ID: sid, ProofType: 5 });
      assert.deepEqual(info.PieceCid, { "/": dealCid });
      assert.equal(info.Offset, 0);
      assert.equal(info.Size, 2032);
      assert.deepEqual(info.CommD, dealSector.seal.commD);
      assert.deepEqual(info.Ticket, dealSector.ticket);
      assert.deepEqual(info.PrivateInfo, { AccessInstance: "persist-2" }, "the instance the rebuild recorded");
      assert.equal(info.State, UnsealState.Assigned);
      assert.equal(await client().callVenus("AllocateUnsealSector", [ANY]), null, "handed out once");
      assert.deepEqual(await client().callVenus("AcquireUnsealDest", [sid, { "/": dealCid }]), [`store:///${dealCid}`]);

      // What the worker does: unseal with the binary, PUT to /piecestore/<cid>, achieve.
      const name = `s-t01000-${sid.Number}`;
      const storePath = join(tdb().home, info.PrivateInfo.AccessInstance);
      const out = join(tdb().home, "unsealed", dealCid);
      mkdirSync(join(tdb().home, "unsealed"), { recursive: true });
      await runStage(bin, "unseal", {
        registered_proof: "StackedDrg2KiBV1_1",
        prover_id: proverId(1000),
        sector_id: sid.Number,
        comm_d: info.CommD,
        ticket: Array.from(Buffer.from(info.Ticket.Ticket, "base64")),
        cache_dir: join(storePath, "cache", name),
        sealed_file: join(storePath, "sealed", name),
        unsealed_output: out,
        offset: info.Offset,
        num_bytes: info.Size,
      });
      assert.equal((await put(manager().url, dealCid, readFileSync(out))).status, 200);
      assert.deepEqual(await get(manager().url, dealCid), Buffer.alloc(2032));
      assert.equal(await client().callVenus("AchieveUnsealSector", [sid, { "/": dealCid }, ""]), null);
      assert.equal(
        await client().callVenus("AchieveUnsealSector", [sid, { "/": dealCid }, ""]),
        null,
        "repeat: harmless",
      );
      const [done] = await client().callVenus("ListUnsealTasks", [UnsealState.Finished]);
      assert.equal(done?.StateName, "Finished");

      // Queued again with other destinations; this time the worker reports an error.
      const dests = ["file:///tmp/unsealed/piece", "http://127.0.0.1:9/upload", "store://attached-1/pieces/p.car"];
      const again = await client().callVenus("SectorSetForUnseal", [
        { PieceCid: { "/": dealCid }, Sector: sid, Dest: dests },
      ]);
      assert.equal(again.State, UnsealState.Set);
      await rejects(
        client().callVenus("AchieveUnsealSector", [sid, { "/": dealCid }, ""]),
        RpcErrorCode.Generic,
        /queued again and not handed out yet/,
      );
      assert.deepEqual((await client().callVenus("AllocateUnsealSector", [ANY]))?.Dest, dests);
      assert.deepEqual(await client().callVenus("AcquireUnsealDest", [sid, { "/": dealCid }]), dests);
      assert.equal(
        await client().callVenus("AchieveUnsealSector", [
          sid,
          { "/": dealCid },
          "PUT http://127.0.0.1:9/upload: ECONNREFUSED",
        ]),
        null,
      );
      const failed = await client().callVenus("ListUnsealTasks", [UnsealState.Failed]);
      assert.deepEqual(
        failed.map((t) => [t.StateName, t.ErrorInfo]),
        [["Failed", "PUT http://127.0.0.1:9/upload: ECONNREFUSED"]],
      );
      assert.deepEqual(await client().callVenus("ListUnsealTasks", [UnsealState.Finished]), []);
      await rejects(
        client().callVenus("ListUnsealTasks", [7 as UnsealState]),
        RpcErrorCode.InvalidParams,
        /expected an UnsealState/,
      );
    });

    test("PUT /piecestore: the right bytes are stored and served; wrong, cut or unauthorised uploads leave nothing", async () => {
      const pieces = manager().ctx.config.pieceStorePath;
      const payload = randomBytes(1500);
      const file = join(tdb().home, "upload.bin");
      writeFileSync(file, payload);
      const cid = (await computeCommP(bin, file)).piece_cid;
      const before = new Set(readdirSync(pieces));

      const ok = await put(manager().url, cid, payload);
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(JSON.parse(ok.body), { PieceCid: cid, Size: 1500 });
      assert.deepEqual(await get(manager().url, cid), payload);
      const afterOk = new Set(readdirSync(pieces));
      assert.deepEqual(
        [...afterOk].filter((n) => !before.has(n)),
        [cid],
      );

      // Wrong bytes under a CID: 400, nothing kept.
      const wrongCid = pieceCidFromCommitment(randomBytes(32));
      const wrong = await put(manager().url, wrongCid, payload);
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, new RegExp(`the body is piece ${cid}, not ${wrongCid}: nothing stored`));
      assert.equal((await get(manager().url, wrongCid).catch((e: Error) => e.message)).toString(), "GET 404");
      // Not a piece CID, an empty body, a read-only token.
      assert.equal((await put(manager().url, "bafynotapiece", payload)).status, 400);
      assert.equal((await put(manager().url, cid, Buffer.alloc(0))).status, 400);
      const readToken = createToken(loadOrCreateSecret(manager().ctx.config.secretFile), "read");
      const denied = await put(manager().url, cid, payload, readToken);
      assert.equal(denied.status, 403);
      assert.match(denied.body, /needs the \\"write\\" permission/);
      // Larger than any piece the miners could hold.
      assert.equal((await put(manager().url, cid, Buffer.alloc(4096))).status, 413);

      // A cut upload: the client announces 2000 bytes, sends 100 and hangs up.
      await new Promise<void>((resolve) => {
        const req = http.request(`${manager().url}/piecestore/${cid}`, {
          method: "PUT",
          headers: { "content-length": "2000" },
        });
        req.on("error", () => resolve());
        req.write(Buffer.alloc(100, 1), () => setTimeout(() => req.destroy(), 100));
        req.on("close", () => resolve());
      });
      // The server removes the cut upload's temp file once it has seen the hang-up (a state that stays).
      await waitFor("the cut upload's temp file removed", () =>
        readdirSync(pieces).some((n) => n.endsWith(".part")) ? undefined : true,
      );
      assert.deepEqual(new Set(readdirSync(pieces)), afterOk, "nothing left behind by refused or cut uploads");
      assert.deepEqual(await get(manager().url, cid), payload, "the stored piece is untouched");

      // The temp file of an upload a kill -9 cut short is gone after the next start.
      writeFileSync(join(pieces, `.${cid}.0123456789ab.part`), "half");
      await restart();
      assert.deepEqual(new Set(readdirSync(pieces)), afterOk);
      assert.deepEqual(await get(manager().url, cid), payload);
    });

    test("the CLI: sectors rebuild, sectors unseal and --list against the running manager", async () => {
      const lines: string[] = [];
      const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
      const url = ["--url", manager().url];
      const sid = ccSector.sid;
      assert.equal(await sectorsRebuild.run(["t01000", String(sid.Number), ...url], io), 0);
      assert.equal(lines.pop(), `s-t01000-${sid.Number} queued for rebuild`);
      assert.deepEqual((await client().callVenus("AllocateRebuildSector", [ANY]))?.Sector.ID, sid);
      await client().callVenus("ReportFinalized", [sid]);
      await assert.rejects(sectorsRebuild.run(["1000", "99999", ...url], io), /s-t01000-99999 not found/);
      await assert.rejects(sectorsRebuild.run(["1000"], io), UsageError);

      const dest = "file:///tmp/sealfarm-unsealed/piece.car";
      const args = [dealCid, "--miner", "1000", "--sector", String(dealSector.sid.Number), "--dest", dest, ...url];
      assert.equal(await sectorsUnseal.run(args, io), 0);
      assert.equal(
        lines.pop(),
        `unseal of ${dealCid} queued: s-t01000-${dealSector.sid.Number} offset 0 size 2032 -> ${dest}`,
      );
      assert.equal(await sectorsUnseal.run(["--list", "--state", "set", "--json", ...url], io), 0);
      const listed = JSON.parse(lines.pop() ?? "[]") as { Dest: string[]; StateName: string }[];
      assert.deepEqual(
        listed.map((t) => [t.StateName, t.Dest]),
        [["Set", [dest]]],
      );
      assert.equal(await sectorsUnseal.run(["--list", ...url], io), 0);
      assert.match(lines.pop() ?? "", /^SECTOR +PIECE/);
      await assert.rejects(sectorsUnseal.run(["--list", "--state", "Done", ...url], io), /--state: expected Set/);
      await assert.rejects(
        sectorsUnseal.run([dealCid, "--miner", "1000", ...url], io),
        /--miner and --sector go together/,
      );
      await assert.rejects(sectorsUnseal.run([dealCid, "--dest", "gopher://x/y", ...url], io), /unsupported scheme/);
    });
  });
}

function stateReq(prev: string, next: string) {
  return {
    Worker: { Instance: "rebuilder-1", Location: "/tmp/rebuild/0" },
    StateChange: { Prev: prev, Next: next, Event: "None" },
    Failure: null,
  };
}

async function put(base: string, cid: string, body: Buffer, token?: string) {
  const res = await fetch(`${base}/piecestore/${cid}`, {
    method: "PUT",
    body,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.text() };
}

async function get(base: string, cid: string): Promise<Buffer> {
  const res = await fetch(`${base}/piecestore/${cid}`);
  if (res.status !== 200) throw new Error(`GET ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
