import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCid } from "../filecoin/cid.js";
import { LotusJsonError } from "./lotus-json.js";
import {
  deadlineInfoFromJson,
  deadlineInfoToJson,
  messageFromJson,
  messageToJson,
  minerInfoFromJson,
  msgLookupFromJson,
  msgLookupToJson,
  partitionFromJson,
  partitionToJson,
  preCommitInfoFromJson,
  preCommitInfoToJson,
  sectorLocationFromJson,
  sectorLocationToJson,
  sectorOnChainFromJson,
  sectorOnChainToJson,
  tipSetFromJson,
  tipSetToJson,
} from "./lotus-shapes.js";

// The JSON below is the examples of Lotus' API reference (filecoin-project/lotus
// documentation/en/api-v1-unstable-methods.md, checked against the version at commit 0023be28004df97dbbad2ddb98a98f5916fd8c07), which
// fill every field with the same placeholders: "f01234" for addresses, 10101 for epochs, 42 for small numbers,
// "0" for BigInts, "Ynl0ZSBhcnJheQ==" (base64 of "byte array") for []byte, and the CID bafy2bzacea3wsdh6…. Field
// names are Lotus' Go names; each decoder is checked on that shape and on its own encoder's output.
const DOC_CID = { "/": "bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4" };

test("Message (MpoolPushMessage's first param) as in the docs", () => {
  const json = {
    Version: 42,
    To: "f01234",
    From: "f01234",
    Nonce: 42,
    Value: "0",
    GasLimit: 9,
    GasFeeCap: "0",
    GasPremium: "0",
    Method: 1,
    Params: "Ynl0ZSBhcnJheQ==",
    CID: DOC_CID,
  };
  const m = messageFromJson(json);
  assert.equal(Buffer.from(m.params).toString(), "byte array");
  assert.equal(m.to, "f01234");
  const { CID: _, ...withoutCid } = json;
  assert.deepEqual(messageToJson(m), withoutCid);
  assert.throws(() => messageFromJson({ ...json, Value: 0 }), /^LotusJsonError: Message\/Value: expected a BigInt/);
  assert.throws(
    () => messageFromJson({ ...json, To: "f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3zb" }),
    /Message\/To: expected a Filecoin address/,
  );
});

test("TipSet (ChainHead) decodes key, height and the first block's base fee and time", () => {
  const json = {
    Cids: [DOC_CID],
    Blocks: [{ Miner: "f01234", Height: 10101, ParentBaseFee: "100", Timestamp: 42, Parents: [DOC_CID] }],
    Height: 10101,
  };
  const t = tipSetFromJson(json);
  assert.equal(t.height, 10101);
  assert.equal(t.parentBaseFee, 100n);
  assert.equal(t.key[0]?.toString(), DOC_CID["/"]);
  assert.deepEqual(tipSetFromJson(tipSetToJson(t, "f01000")), t);
  assert.throws(() => tipSetFromJson({ ...json, Blocks: [] }), /TipSet\/Blocks: expected at least one block header/);
});

test("MinerInfo as in the docs", () => {
  const info = minerInfoFromJson({
    Owner: "f01234",
    Worker: "f01234",
    NewWorker: "f01234",
    ControlAddresses: ["f01234"],
    WorkerChangeEpoch: 10101,
    PeerId: "12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf",
    Multiaddrs: ["Ynl0ZSBhcnJheQ=="],
    WindowPoStProofType: 8,
    SectorSize: 34359738368,
    WindowPoStPartitionSectors: 42,
    ConsensusFaultElapsed: 10101,
    PendingOwnerAddress: "f01234",
    Beneficiary: "f01234",
    BeneficiaryTerm: { Quota: "0", UsedQuota: "0", Expiration: 10101 },
    PendingBeneficiaryTerm: null,
  });
  assert.deepEqual(info, {
    owner: "f01234",
    worker: "f01234",
    controlAddresses: ["f01234"],
    sectorSize: 34359738368,
    windowPoStProofType: 8,
    windowPoStPartitionSectors: 42,
  });
  // Go encodes a nil slice as null.
  assert.deepEqual(
    minerInfoFromJson({
      ...info,
      Owner: "f01234",
      Worker: "f01234",
      ControlAddresses: null,
      SectorSize: 2048,
      WindowPoStProofType: 10,
      WindowPoStPartitionSectors: 2,
    }).controlAddresses,
    [],
  );
});

test("SectorPreCommitInfo, MsgLookup, SectorOnChainInfo round trip in Lotus' shape", () => {
  const pc = {
    SealProof: 8,
    SectorNumber: 9,
    SealedCID: DOC_CID,
    SealRandEpoch: 10101,
    DealIDs: [5432],
    Expiration: 10101,
    UnsealedCid: null,
  };
  assert.deepEqual(preCommitInfoToJson(preCommitInfoFromJson(pc)), pc);
  const lookup = {
    Message: DOC_CID,
    Receipt: { ExitCode: 0, Return: "Ynl0ZSBhcnJheQ==", GasUsed: 9, EventsRoot: null },
    ReturnDec: null,
    TipSet: [DOC_CID],
    Height: 10101,
  };
  const l = msgLookupFromJson(lookup);
  assert.equal(l.exitCode, 0);
  assert.deepEqual(msgLookupToJson(l), lookup);
  const sector = sectorOnChainFromJson({
    SectorNumber: 9,
    SealProof: 8,
    SealedCID: DOC_CID,
    DeprecatedDealIDs: [5432],
    Activation: 10101,
    Expiration: 10101,
    DealWeight: "0",
    VerifiedDealWeight: "0",
    InitialPledge: "0",
    ExpectedDayReward: "0",
    ExpectedStoragePledge: "0",
    PowerBaseEpoch: 10101,
    ReplacedDayReward: "0",
    SectorKeyCID: DOC_CID,
    Flags: 0,
  });
  assert.equal(sector.sectorKeyCid?.toString(), parseCid(DOC_CID["/"]).toString());
  assert.deepEqual(sectorOnChainFromJson(sectorOnChainToJson(sector)), sector);
});

test("dline.Info and Partition (bitfields as run lengths: the docs' [5, 1] is sector 5)", () => {
  const dl = {
    CurrentEpoch: 10101,
    PeriodStart: 10101,
    Index: 42,
    Open: 10101,
    Close: 10101,
    Challenge: 10101,
    FaultCutoff: 10101,
    WPoStPeriodDeadlines: 42,
    WPoStProvingPeriod: 10101,
    WPoStChallengeWindow: 10101,
    WPoStChallengeLookback: 10101,
    FaultDeclarationCutoff: 10101,
  };
  assert.deepEqual(deadlineInfoToJson(deadlineInfoFromJson(dl)), dl);
  const part = {
    AllSectors: [5, 1],
    FaultySectors: [5, 1],
    RecoveringSectors: [5, 1],
    LiveSectors: [5, 1],
    ActiveSectors: [5, 1],
  };
  const p = partitionFromJson(part);
  assert.deepEqual(p.allSectors, [{ start: 5, count: 1 }]);
  assert.deepEqual(partitionToJson(p), part);
  assert.throws(() => partitionFromJson({ ...part, LiveSectors: [5, 0] }), LotusJsonError);
  assert.throws(
    () => deadlineInfoFromJson({ ...dl, Index: "42" }),
    /DeadlineInfo\/Index: expected an integer, got "42"/,
  );
});

test("SectorLocation (StateSectorPartition) as in the docs, and an empty bitfield written [0]", () => {
  const location = { Deadline: 42, Partition: 42 };
  assert.deepEqual(sectorLocationFromJson(location), { deadline: 42, partition: 42 });
  assert.deepEqual(sectorLocationToJson(sectorLocationFromJson(location)), location);
  assert.throws(() => sectorLocationFromJson({ Deadline: 42 }), /SectorLocation\/Partition: expected/);
  // Some versions of the reference show a Partition with empty bitfields as [0]: no sectors.
  const empty = partitionFromJson({
    AllSectors: [0],
    FaultySectors: [0],
    RecoveringSectors: [0],
    LiveSectors: [0],
    ActiveSectors: [0],
  });
  assert.deepEqual(empty.liveSectors, []);
});
