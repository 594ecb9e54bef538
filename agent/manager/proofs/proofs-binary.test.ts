import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { scratchDir } from "../../../test/support/scratch-dir.js";
import { hasSubcommand, ProofsBinaryError, proverId, resolveProofsBin, verifySeal } from "./proofs-binary.js";

const dir = scratchDir("sealfarm-proofs-");

test("prover_id is the actor's uvarint, zero-padded to 32 bytes", () => {
  assert.deepEqual(proverId(1000).slice(0, 3), [232, 7, 0]);
  assert.equal(proverId(1000).length, 32);
  assert.deepEqual(proverId(5).slice(0, 2), [5, 0]);
  assert.deepEqual(proverId(128).slice(0, 3), [128, 1, 0]);
});

test("the release build of the package is the default binary", () => {
  const saved = process.env.SEALFARM_PROOFS_BIN;
  delete process.env.SEALFARM_PROOFS_BIN;
  try {
    assert.match(resolveProofsBin(""), /native\/target\/release\/sealfarm-proofs$/);
    assert.equal(resolveProofsBin("/opt/x"), "/opt/x");
  } finally {
    if (saved !== undefined) process.env.SEALFARM_PROOFS_BIN = saved;
  }
});

test("a missing binary or a crash is a binary error, not a verdict", async () => {
  await assert.rejects(
    verifySeal(join(dir, "absent"), {} as never),
    (e: unknown) => e instanceof ProofsBinaryError && /not found/.test(e.message),
  );
  // A real program that is not sealfarm-proofs: /bin/false exits 1.
  await assert.rejects(verifySeal("/bin/false", {} as never), /exited 1/);
});

test("hasSubcommand recognises the binary's 'unknown command' answer", async () => {
  // A real executable script standing in for an older sealfarm-proofs build.
  const old = join(dir, "old-proofs");
  writeFileSync(old, '#!/bin/sh\necho "sealfarm-proofs: unknown command \\"$1\\"" >&2\nexit 2\n');
  chmodSync(old, 0o755);
  assert.equal(await hasSubcommand(old, "verify-seal"), false);
});

test("the real binary's verdict on a proof that does not verify", async () => {
  const bin = resolveProofsBin("");
  assert.ok(await hasSubcommand(bin, "verify-seal"), `${bin} has no verify-seal subcommand: run npm run build:native`);
  const input = {
    registered_proof: "StackedDrg2KiBV1_1",
    comm_r: new Array(32).fill(1),
    comm_d: new Array(32).fill(2),
    prover_id: proverId(1000),
    sector_id: 1,
    ticket: new Array(32).fill(3),
    seed: new Array(32).fill(4),
    proof: Buffer.alloc(64, 5).toString("base64"),
  };
  const verdict = await verifySeal(bin, input);
  assert.equal(verdict.valid, false);
  // Malformed input is not a verdict: the binary exits 1 and says what is wrong.
  await assert.rejects(
    verifySeal(bin, { ...input, comm_r: [1, 2] }),
    (e: unknown) => e instanceof ProofsBinaryError && /exited 1/.test(e.message),
  );
});
