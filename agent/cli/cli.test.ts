import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArgs, parseUint } from "./cli-args.js";
import { UsageError } from "./command.js";
import {
  renderMessageList,
  renderSectorDetail,
  renderSectorList,
  renderUnsealTasks,
  renderWorkers,
} from "./render-tables.js";

test("parseArgs takes --k v, --k=v, booleans and positionals, and names unknown flags", () => {
  const a = parseArgs(["1000", "--state", "Active", "--json", "--home=/h", "7"], ["state", "home"], ["json"]);
  assert.deepEqual(a.positionals, ["1000", "7"]);
  assert.equal(a.flags.get("state"), "Active");
  assert.equal(a.flags.get("home"), "/h");
  assert.equal(a.flags.get("json"), true);
  assert.throws(
    () => parseArgs(["--nope"], [], []),
    (e: unknown) => e instanceof UsageError && /unknown option --nope/.test(e.message),
  );
  assert.throws(() => parseArgs(["--state"], ["state"]), /--state needs a value/);
  assert.throws(() => parseUint("12a", "NUMBER"), /NUMBER: expected an unsigned integer, got "12a"/);
});

const sector = {
  ID: { Miner: 1000, Number: 3 },
  ProofType: 5,
  State: "PreCommitSent",
  Worker: "host-a",
  LatestState: "PCSubmitted",
  LastFailure: "Temporary: rpc timeout",
  Finalized: false,
  AbortReason: null,
  Deals: 1,
  CreatedAt: Date.UTC(2026, 10, 25, 12, 0, 0),
  UpdatedAt: Date.UTC(2026, 10, 25, 12, 5, 0),
};

test("sector list and detail show worker, state and the timeline", () => {
  assert.equal(
    renderSectorList([sector]),
    [
      "SECTOR      STATE          WORKER STATE  WORKER  DEALS  UPDATED               LAST FAILURE",
      "s-t01000-3  PreCommitSent  PCSubmitted   host-a  1      2026-11-25T12:05:00Z  Temporary: rpc timeout",
    ].join("\n"),
  );
  const detail = renderSectorDetail({
    Sector: sector,
    Timeline: [
      {
        At: Date.UTC(2026, 10, 25, 12, 1, 0),
        Instance: "host-a",
        Location: "/mnt/seal/0",
        Prev: "PC2Done",
        Next: "PCSubmitted",
        Event: "None",
        FailureLevel: "Temporary",
        FailureDesc: "rpc timeout",
      },
    ],
  });
  assert.match(detail, /proof +StackedDrg2KiBV1_1/);
  assert.match(detail, /2026-11-25T12:01:00Z +host-a +\/mnt\/seal\/0 +PC2Done -> PCSubmitted +Temporary: rpc timeout/);
  assert.equal(renderSectorList([]), "no sectors");
  assert.match(
    renderSectorList([{ ...sector, State: "Active", Finalized: false, Rebuild: "running" }]),
    /s-t01000-3 +Active \(rebuilding\) /,
  );
  assert.match(
    renderSectorDetail({ Sector: { ...sector, State: "Active", Finalized: true, Rebuild: "queued" }, Timeline: [] }),
    /state +Active \(finalized\) \(rebuild queued\)/,
  );
});

test("workers list shows the age of the last ping and threads by state", () => {
  const text = renderWorkers(
    [
      {
        Info: {
          Name: "w1",
          Dest: "10.0.0.2:17890",
          Version: "v0.1",
          Summary: { Threads: 4, Empty: 1, Paused: 0, Running: 2, Waiting: 1, Errors: 0 },
        },
        LastPing: 1000,
      },
    ],
    1012,
  );
  assert.match(text, /^NAME +DEST/);
  assert.match(text, /w1 +10\.0\.0\.2:17890 +v0\.1 +12s ago +4 +1 +2 +1 +0 +0/);
});

test("unseal tasks list sector, piece, range, state and error", () => {
  const text = renderUnsealTasks([
    {
      Sector: { Miner: 1000, Number: 3 },
      PieceCid: { "/": "baga6ea4seaqexample" },
      Offset: 0,
      Size: 2032,
      Dest: ["store:///baga6ea4seaqexample"],
      State: 3,
      StateName: "Failed",
      ErrorInfo: "PUT refused",
      CreatedAt: Date.UTC(2026, 10, 25, 12, 0, 0),
      UpdatedAt: Date.UTC(2026, 10, 25, 12, 5, 0),
    },
  ]);
  assert.match(text, /^SECTOR +PIECE +OFFSET +SIZE +STATE +UPDATED +DEST +ERROR/);
  assert.match(
    text,
    /s-t01000-3 +baga6ea4seaqexample +0 +2032 +Failed +2026-11-25T12:05:00Z +store:\/\/\/baga6ea4seaqexample +PUT refused/,
  );
  assert.equal(renderUnsealTasks([]), "no unseal tasks");
});

test("messages list shows method, sectors, state, exit code, epoch, max fee in FIL, CID, and what it waits for", () => {
  const base = {
    Miner: 1000,
    Kind: "precommit",
    Method: "PreCommitSectorBatch2",
    Sectors: [1, 2],
    MaxFee: "50000000000000000",
    Value: "2000000000000000",
    GasUsed: null,
    Error: null,
    Waiting: null,
    CreatedAt: 0,
  };
  const text = renderMessageList([
    { ...base, Id: "precommit-1000-1", Cid: "bafy2bzacea", State: "landed", ExitCode: 0, Epoch: 42, GasUsed: 1000 },
    {
      ...base,
      Id: "provecommit-1000-2",
      Method: "ProveCommitSectors3",
      Cid: null,
      State: "pending",
      ExitCode: null,
      Epoch: null,
      Waiting: "temporary: MpoolPushMessage: HTTP 503",
    },
  ]).split("\n");
  assert.match(text[0] ?? "", /^ID\s+METHOD\s+SECTORS\s+STATE\s+EXIT\s+EPOCH\s+MAX FEE\s+CID\s+NOTE/);
  assert.match(
    text[1] ?? "",
    /^precommit-1000-1\s+PreCommitSectorBatch2\s+1,2\s+landed\s+0\s+42\s+0\.05 FIL\s+bafy2bzacea/,
  );
  assert.match(
    text[2] ?? "",
    /ProveCommitSectors3\s+1,2\s+pending\s+-\s+-\s+0\.05 FIL\s+-\s+waiting: temporary: .*HTTP 503/,
  );
  assert.equal(renderMessageList([]), "no messages");
});
