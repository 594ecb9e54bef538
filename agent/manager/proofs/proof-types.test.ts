import assert from "node:assert/strict";
import { test } from "node:test";
import { allSealProofNames, sealProofByName, sealProofInfo } from "./proof-types.js";

test("seal proof ids follow the abi numbering", () => {
  assert.equal(sealProofInfo(8)?.name, "StackedDrg32GiBV1_1");
  assert.equal(sealProofInfo(5)?.name, "StackedDrg2KiBV1_1");
  assert.equal(sealProofInfo(5)?.sectorSizeBytes, 2048);
  assert.equal(sealProofInfo(13)?.name, "StackedDrg32GiBV1_1_Feat_SyntheticPoRep");
  assert.equal(sealProofInfo(19)?.sectorSizeBytes, 64 * 2 ** 30);
  assert.equal(sealProofInfo(5)?.windowPostProof, "StackedDrgWindow2KiBV1_2");
  assert.equal(sealProofInfo(20), undefined);
  assert.equal(sealProofInfo(-1), undefined);
  assert.equal(sealProofByName("StackedDrg8MiBV1_1")?.id, 6);
  assert.equal(allSealProofNames().length, 20);
});
