import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { captureIo } from "../../test/support/cli-io.js";
import { parseArgs, requiredFlag } from "./cli-args.js";
import { UsageError } from "./command.js";
import { managerQueryCommand, parseMinerActor, printAnswer, sectorIdPositionals } from "./manager-query.js";

describe("command-line ids", () => {
  it("takes a miner as 1000, t01000 or f01000, and names the argument when it is none of them", () => {
    assert.equal(parseMinerActor("1000", "MINER"), 1000);
    assert.equal(parseMinerActor("t01000", "MINER"), 1000);
    assert.equal(parseMinerActor("f01000", "--miner"), 1000);
    assert.throws(() => parseMinerActor("x1000", "--miner"), /--miner: expected an unsigned integer, got "x1000"/);
  });
  it("reads exactly two positionals as MINER NUMBER", () => {
    assert.deepEqual(sectorIdPositionals(parseArgs(["t01000", "7"], [])), { Miner: 1000, Number: 7 });
    for (const argv of [[], ["1000"], ["1000", "7", "8"]])
      assert.throws(
        () => sectorIdPositionals(parseArgs(argv, [])),
        (e: unknown) => e instanceof UsageError && e.message === "expected MINER and NUMBER",
      );
  });
  it("names a missing required flag with its placeholder", () => {
    assert.equal(requiredFlag(parseArgs(["--config", "w.toml"], ["config"]), "config", "FILE"), "w.toml");
    assert.throws(
      () => requiredFlag(parseArgs([], ["config"]), "config", "FILE"),
      /^UsageError: --config FILE is required$/,
    );
  });
  it("prints the answer rendered, or as indented JSON with --json", () => {
    const io = captureIo();
    printAnswer(io, parseArgs([], [], ["json"]), { Height: 3 }, (a) => `height ${a.Height}`);
    printAnswer(io, parseArgs(["--json"], [], ["json"]), { Height: 3 }, (a) => `height ${a.Height}`);
    assert.deepEqual(io.stdout, ["height 3", '{\n  "Height": 3\n}']);
  });
});

describe("managerQueryCommand", () => {
  // A manager on loopback that answers ChainHead and FindSector and records what it was asked.
  const asked: Array<{ method: string; params: unknown }> = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const r = JSON.parse(body) as { id: number; method: string; params: unknown };
      asked.push({ method: r.method, params: r.params });
      const result = r.method === "Venus.ChainHead" ? { Height: 42, BlockDelayMs: 1000 } : null;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", id: r.id, result }));
    });
  });
  let url = "";
  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const head = managerQueryCommand({
    path: ["chain", "head"],
    summary: "s",
    usage: "u",
    method: "ChainHead",
    params: () => [],
    render: (h) => `height ${h.Height}`,
  });

  it("makes the call with the command line's params and prints the checked answer", async () => {
    const io = captureIo();
    assert.equal(await head.run(["--url", url], io), 0);
    assert.equal(await head.run(["--url", url, "--json"], io), 0);
    assert.deepEqual(io.stdout, ["height 42", JSON.stringify({ Height: 42, BlockDelayMs: 1000 }, null, 2)]);
    assert.deepEqual(asked.slice(-2), [
      { method: "Venus.ChainHead", params: [] },
      { method: "Venus.ChainHead", params: [] },
    ]);
  });

  it("refuses a usage mistake before it connects", async () => {
    const show = managerQueryCommand({
      path: ["sectors", "show"],
      summary: "s",
      usage: "u",
      method: "FindSector",
      params: (args) => [sectorIdPositionals(args)],
      render: () => "",
    });
    const before = asked.length;
    await assert.rejects(show.run(["1000", "--url", url], captureIo()), UsageError);
    await assert.rejects(head.run(["--url", url, "--bogus"], captureIo()), /unknown option --bogus/);
    assert.equal(asked.length, before);
  });
});
