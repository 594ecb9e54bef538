import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { idAddress } from "../filecoin/address.js";
import { parseCid } from "../filecoin/cid.js";
import { addressEntropy } from "../filecoin/randomness-entropy.js";
import { rangesFromSet } from "../filecoin/rle-plus.js";
import { ChainError } from "./chain-errors.js";
import { createLotusClient } from "./lotus-client.js";
import { DomainSeparationTag } from "./lotus-shapes.js";

// A real HTTP server on loopback that records every request and answers from a script; the client is the real one.
interface Recorded {
  method: string;
  params: unknown[];
  auth: string | undefined;
  path: string;
}
type Answer = { status?: number; body: string } | "hang";

async function startNode(answer: (method: string, params: unknown[]) => Answer) {
  const seen: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      seen.push({ method: body.method, params: body.params, auth: req.headers.authorization, path: req.url ?? "" });
      const a = answer(body.method, body.params);
      if (a === "hang") return;
      res.writeHead(a.status ?? 200, { "content-type": "application/json" });
      res.end(a.body.replace('"ID"', JSON.stringify(body.id)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/rpc/v1`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const ok = (result: unknown): Answer => ({ body: `{"jsonrpc":"2.0","id":"ID","result":${JSON.stringify(result)}}` });
const DOC_CID = { "/": "bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4" };
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-token-value.sig";

test("typed calls send Lotus' method names and param shapes with the bearer token, and decode the replies", async () => {
  const replies: Record<string, unknown> = {
    "Filecoin.ChainHead": { Cids: [DOC_CID], Blocks: [{ ParentBaseFee: "100", Timestamp: 42 }], Height: 10101 },
    "Filecoin.StateNetworkVersion": 23,
    "Filecoin.StateLookupID": "f01000",
    "Filecoin.StateGetRandomnessFromTickets": Buffer.alloc(32, 7).toString("base64"),
    "Filecoin.StateMinerPreCommitDepositForPower": "123456789012345678901234567890",
    "Filecoin.WalletBalance": "1000000000000000000",
    "Filecoin.StateMinerSectors": null,
  };
  const node = await startNode((m) => ok(replies[m]));
  const c = createLotusClient({ url: node.url, token: TOKEN });
  try {
    const head = await c.chainHead();
    assert.equal(head.height, 10101);
    assert.equal(await c.stateNetworkVersion(head.key), 23);
    assert.equal(await c.stateLookupId("t1d2xrzcslx7xlbbylc5c3d5lvandqw4iwl6epxba"), "f01000");
    // Ticket randomness: DST SealRandomness (5), entropy = the miner address in CBOR (f01000 → 43 00 e8 07).
    const entropy = addressEntropy(idAddress(1000));
    assert.equal(Buffer.from(entropy).toString("hex"), "4300e807");
    const ticket = await c.stateGetRandomnessFromTickets(DomainSeparationTag.SealRandomness, 10000, entropy);
    assert.deepEqual([...ticket], Array(32).fill(7));
    const deposit = await c.stateMinerPreCommitDepositForPower("f01000", {
      sealProof: 8,
      sectorNumber: 9,
      sealedCid: parseCid(DOC_CID["/"]),
      sealRandEpoch: 10000,
      dealIds: [],
      expiration: 20000,
      unsealedCid: null,
    });
    assert.equal(deposit, 123456789012345678901234567890n);
    assert.equal(await c.walletBalance("f01000"), 10n ** 18n);
    assert.deepEqual(await c.stateMinerSectors("f01000", rangesFromSet([5])), []);
    assert.deepEqual(
      node.seen.map((r) => [r.method, r.params]),
      [
        ["Filecoin.ChainHead", []],
        ["Filecoin.StateNetworkVersion", [[DOC_CID]]],
        ["Filecoin.StateLookupID", ["t1d2xrzcslx7xlbbylc5c3d5lvandqw4iwl6epxba", []]],
        ["Filecoin.StateGetRandomnessFromTickets", [5, 10000, "QwDoBw==", []]],
        [
          "Filecoin.StateMinerPreCommitDepositForPower",
          [
            "f01000",
            {
              SealProof: 8,
              SectorNumber: 9,
              SealedCID: DOC_CID,
              SealRandEpoch: 10000,
              DealIDs: null,
              Expiration: 20000,
              UnsealedCid: null,
            },
            [],
          ],
        ],
        ["Filecoin.WalletBalance", ["f01000"]],
        ["Filecoin.StateMinerSectors", ["f01000", [5, 1], []]],
      ],
    );
    assert.ok(node.seen.every((r) => r.auth === `Bearer ${TOKEN}` && r.path === "/rpc/v1"));
    assert.equal(c.describe(), node.url);
  } finally {
    c.close();
    await node.close();
  }
});

test("MpoolPushMessage carries MaxFee and MsgUuid; a missing result (go-jsonrpc omits null) is null", async () => {
  const node = await startNode((m) =>
    m === "Filecoin.MpoolPushMessage"
      ? ok({
          Message: {
            Version: 0,
            To: "f01000",
            From: "f01001",
            Nonce: 3,
            Value: "0",
            GasLimit: 1000,
            GasFeeCap: "10",
            GasPremium: "5",
            Method: 28,
            Params: "gA==",
          },
          Signature: { Type: 1, Data: "AA==" },
          CID: DOC_CID,
        })
      : { body: '{"jsonrpc":"2.0","id":"ID"}' },
  );
  const c = createLotusClient({ url: node.url });
  try {
    const signed = await c.mpoolPushMessage(
      {
        version: 0,
        to: "f01000",
        from: "f01001",
        nonce: 0,
        value: 0n,
        gasLimit: 0,
        gasFeeCap: 0n,
        gasPremium: 0n,
        method: 28,
        params: Uint8Array.from([0x80]),
      },
      { maxFee: 5n * 10n ** 16n, msgUuid: "6f1c8f4e-2f7a-4d8e-9a57-0a5f1b7b2c11" },
    );
    assert.equal(signed.cid.toString(), DOC_CID["/"]);
    assert.equal(signed.message.nonce, 3);
    assert.deepEqual(node.seen[0]?.params[1], {
      MaxFee: "50000000000000000",
      MsgUuid: "6f1c8f4e-2f7a-4d8e-9a57-0a5f1b7b2c11",
      MaximizeFeeCap: false,
    });
    assert.equal(node.seen[0]?.auth, undefined);
    assert.equal(await c.stateSearchMsg(signed.cid), null);
    assert.deepEqual(node.seen[1]?.params, [[], DOC_CID, -1, true]);
  } finally {
    c.close();
    await node.close();
  }
});

test("failures are classified, and the token never appears in an error", async () => {
  let mode: "500" | "401" | "exit" | "shape" | "hang" = "500";
  const node = await startNode(() => {
    if (mode === "hang") return "hang";
    if (mode === "500") return { status: 500, body: "upstream down" };
    if (mode === "401") return { status: 401, body: "unauthorized" };
    if (mode === "exit")
      return {
        body: '{"jsonrpc":"2.0","id":"ID","error":{"code":1,"message":"estimating gas used: message execution failed: exit 16"}}',
      };
    return ok({ Owner: 5 });
  });
  const c = createLotusClient({ url: node.url, token: TOKEN, timeoutMs: 300 });
  const failure = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => assert.fail("expected a ChainError"),
      (x: unknown) => x,
    );
    assert.ok(e instanceof ChainError, String(e));
    assert.doesNotMatch(e.message, /secret-token-value/);
    return e;
  };
  try {
    assert.equal((await failure(c.chainHead())).kind, "temporary");
    mode = "401";
    const unauth = await failure(c.chainHead());
    assert.equal(unauth.kind, "permanent");
    assert.match(unauth.message, /HTTP 401 \(the token is missing or invalid\)/);
    mode = "exit";
    const rejected = await failure(c.stateNetworkVersion());
    assert.equal(rejected.kind, "permanent");
    assert.equal(rejected.exitCode, 16);
    mode = "shape";
    const shape = await failure(c.stateMinerInfo("f01000"));
    assert.equal(shape.kind, "permanent");
    assert.match(shape.message, /unexpected reply: MinerInfo\/Owner: expected a string, got 5/);
    // A node that accepts the request and never answers: the client gives up after timeoutMs (a hang guard).
    mode = "hang";
    const slow = await failure(c.chainHead());
    assert.equal(slow.kind, "temporary");
    assert.match(slow.message, /no reply from http:\/\/127\.0\.0\.1:\d+\/rpc\/v1 within 300 ms/);
  } finally {
    c.close();
    await node.close();
  }
  // The node is gone: connection refused is temporary.
  const gone = createLotusClient({ url: node.url, token: TOKEN });
  const refused = await failure(gone.chainHead());
  assert.equal(refused.kind, "temporary");
  assert.match(refused.message, /unreachable: ECONNREFUSED/);
  gone.close();
});

test("StateSectorPartition: Lotus' SectorLocation, and its 'not due at any deadline' error as null", async () => {
  const node = await startNode((m, params) => {
    if (m === "Filecoin.StateSectorPartition")
      return params[1] === 5
        ? ok({ Deadline: 3, Partition: 1 })
        : {
            // What Lotus answers for a sector the miner actor's FindSector does not find.
            body: `{"jsonrpc":"2.0","id":"ID","error":{"code":1,"message":"sector ${String(params[1])} not due at any deadline"}}`,
          };
    // Lotus' bitfield JSON: run lengths, starting with a run of zeros (sectors 2, 3 and 9).
    return ok([2, 2, 5, 1]);
  });
  const c = createLotusClient({ url: node.url });
  try {
    assert.deepEqual(await c.stateSectorPartition("f01000", 5), { deadline: 3, partition: 1 });
    assert.equal(await c.stateSectorPartition("f01000", 6), null);
    assert.deepEqual(await c.stateMinerFaults("f01000"), rangesFromSet([2, 3, 9]));
    assert.deepEqual(await c.stateMinerRecoveries("f01000"), rangesFromSet([2, 3, 9]));
    assert.deepEqual(
      node.seen.map((r) => [r.method, r.params]),
      [
        ["Filecoin.StateSectorPartition", ["f01000", 5, []]],
        ["Filecoin.StateSectorPartition", ["f01000", 6, []]],
        ["Filecoin.StateMinerFaults", ["f01000", []]],
        ["Filecoin.StateMinerRecoveries", ["f01000", []]],
      ],
    );
  } finally {
    c.close();
    await node.close();
  }
});
