// Bad input: each gets the right JSON-RPC error with a message naming the parameter, the manager keeps serving,
// and the database is unchanged. Raw HTTP, so malformed bodies really reach the server.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { type AllocatedSector, SubmitResult, type Ticket } from "../../../agent/shared/rpc/venus-types.js";
import { snapshot } from "./db-snapshot.js";
import { DIALECTS } from "./dialects.js";
import { managerUnderTest } from "./manager-under-test.js";

interface Reply {
  status: number;
  body: { id?: unknown; result?: unknown; error?: { code: number; message: string } };
}

async function post(url: string, body: string | Buffer): Promise<Reply> {
  const res = await fetch(`${url}/rpc/v0`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Reply["body"] };
}

const call = (method: string, params: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: "2.0", method, params, id });

const b32 = (n: number) => new Array(32).fill(n);

for (const dialect of DIALECTS) {
  describe(`${dialect}: bad input`, () => {
    const { manager, client } = managerUnderTest(dialect, { toml: { rpc: { max_body_bytes: 4096 } } });
    let sector: AllocatedSector;
    let ticket: Ticket;
    let before_: Record<string, string[]>;

    before(async () => {
      const s = await client().callVenus("AllocateSector", [{ AllowedMiners: null, AllowedProofTypes: null }]);
      assert.ok(s);
      sector = s;
      ticket = await client().callVenus("AssignTicket", [sector.ID]);
      before_ = await snapshot(manager().ctx.db);
    });

    const cases: { name: string; body: () => string | Buffer; status?: number; code: number; message: RegExp }[] = [
      { name: "malformed JSON", body: () => '{"jsonrpc":"2.0","method":', code: -32700, message: /^parse error: / },
      {
        name: "params as an object",
        body: () => call("Venus.AssignTicket", { sid: 1 }),
        code: -32600,
        message: /\/params: expected a positional array, got an object/,
      },
      {
        name: "unknown method",
        body: () => call("Venus.Nope", []),
        code: -32601,
        message: /method not found: Venus\.Nope/,
      },
      {
        name: "method outside the Venus namespace",
        body: () => call("Filecoin.ChainHead", []),
        code: -32601,
        message: /method not found: Filecoin\.ChainHead/,
      },
      {
        name: "too many params",
        body: () => call("Venus.AssignTicket", [sector.ID, 1]),
        code: -32602,
        message: /Venus\.AssignTicket: expected 1 params \(sid\), got 2/,
      },
      {
        name: "too few params",
        body: () => call("Venus.SubmitPreCommit", [sector]),
        code: -32602,
        message: /expected 3 params \(sector, info, reset\), got 1/,
      },
      {
        name: "sector id with a string number",
        body: () => call("Venus.AssignTicket", [{ Miner: 1000, Number: "1" }]),
        code: -32602,
        message: /param 0 \(sid\) \/Number: expected an unsigned integer, got a string "1"/,
      },
      {
        name: "sector id missing Miner",
        body: () => call("Venus.PollPreCommitState", [{ Number: 1 }]),
        code: -32602,
        message: /param 0 \(sid\) \/Miner: missing/,
      },
      {
        name: "CommR with 31 bytes",
        body: () =>
          call("Venus.SubmitPreCommit", [sector, { CommR: b32(1).slice(1), CommD: b32(0), Ticket: ticket }, false]),
        code: -32602,
        message: /param 1 \(info\) \/CommR: expected an array of 32 numbers, got 31 elements/,
      },
      {
        name: "CommD with a byte over 255",
        body: () =>
          call("Venus.SubmitPreCommit", [
            sector,
            { CommR: b32(1), CommD: [...b32(0).slice(1), 300], Ticket: ticket },
            false,
          ]),
        code: -32602,
        message: /param 1 \(info\) \/CommD: .*element 31 is 300/,
      },
      {
        name: "ticket that is not base64",
        body: () =>
          call("Venus.SubmitPreCommit", [
            sector,
            { CommR: b32(1), CommD: b32(0), Ticket: { Ticket: "%%%", Epoch: 1 } },
            false,
          ]),
        code: -32602,
        message: /param 1 \(info\) \/Ticket\/Ticket: expected base64 of 32 bytes/,
      },
      {
        name: "reset that is not a bool",
        body: () => call("Venus.SubmitProof", [sector.ID, { Proof: "AAAA" }, "yes"]),
        code: -32602,
        message: /param 2 \(reset\) \/: expected true or false/,
      },
      {
        name: "WorkerPing without a name",
        body: () =>
          call("Venus.WorkerPing", [
            {
              Name: "",
              Dest: "x",
              Version: "v",
              Summary: { Threads: 1, Empty: 0, Paused: 0, Running: 0, Waiting: 0, Errors: 0 },
            },
          ]),
        code: -32602,
        message: /param 0 \(info\) \/Name: expected a non-empty string/,
      },
      {
        name: "a sector that does not exist",
        body: () => call("Venus.AssignTicket", [{ Miner: 1000, Number: 999_999 }]),
        code: 11001,
        message: /sector state not found: s-t01000-999999 not found/,
      },
      {
        name: "a miner that does not exist",
        body: () => call("Venus.PollProofState", [{ Miner: 4242, Number: 1 }]),
        code: 11001,
        message: /s-t04242-1/,
      },
      {
        name: "WaitSeed with another sector's proof type",
        body: () => call("Venus.WaitSeed", [sector.ID, 8]),
        code: 1,
        message: /param 1 \(RegisteredSealProof\) is 8, the sector's is 5/,
      },
      {
        name: "finishing a WdPoSt job that does not exist",
        body: () => call("Venus.WdPoStFinishJob", ["nojob", null, "x"]),
        code: 1,
        message: /param 0 \(jobId\): no job "nojob"/,
      },
      {
        name: "a body over rpc.max_body_bytes",
        body: () => call("Venus.ReportAborted", [sector.ID, "x".repeat(10_000)]),
        status: 413,
        code: 413,
        message: /larger than rpc\.max_body_bytes \(4096 bytes\)/,
      },
    ];

    for (const k of cases) {
      test(`${k.name}: error ${k.code}`, async () => {
        const r = await post(manager().url, k.body());
        assert.equal(r.status, k.status ?? 200);
        assert.equal(r.body.error?.code, k.code, JSON.stringify(r.body));
        assert.match(r.body.error?.message ?? "", k.message);
        assert.equal("result" in r.body, false);
      });
    }

    test("a proof or PreCommit for the wrong sector is refused with a reason", async () => {
      // A proof for a sector whose PreCommit never landed.
      const p = await client().callVenus("SubmitProof", [
        sector.ID,
        { Proof: Buffer.alloc(192).toString("base64") },
        false,
      ]);
      assert.equal(p.Res, SubmitResult.Rejected);
      assert.match(p.Desc ?? "", /PreCommit has not landed/);
      // A PreCommit that names the sector with another proof type.
      const pc = await client().callVenus("SubmitPreCommit", [
        { ...sector, ProofType: 8 },
        { CommR: b32(1), CommD: b32(0), Ticket: ticket },
        false,
      ]);
      assert.equal(pc.Res, SubmitResult.Rejected);
      assert.match(pc.Desc ?? "", /ProofType 8 does not match the sector's 5/);
    });

    test("the manager still serves and the database is unchanged", async () => {
      const head = await client().callVenus("ChainHead", []);
      assert.ok(head.Height >= 0);
      assert.deepEqual(await snapshot(manager().ctx.db), before_);
      const ok = await fetch(`${manager().url}/healthcheck`);
      assert.equal(ok.status, 200);
    });
  });
}
