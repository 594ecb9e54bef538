// The sealfarm-proofs binary end to end, exactly as the worker and the manager drive it: `run <stage>` for
// add_pieces -> tree_d -> pc1 -> pc2 -> c1 -> c2 on a 2 KiB sector holding a real piece, then the manager's
// `verify-seal` / `verify-window-post` contract (one JSON line, exit 0 for a verdict, exit 1 naming the field for
// malformed input), window_post with a missing replica reported as a fault, and unseal back to the piece bytes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { scratchDir } from "../../support/scratch-dir.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const bin = join(root, "native", "target", "release", "sealfarm-proofs");
const dir = scratchDir("sealfarm-seal-cli-");

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const env = { ...process.env, FIL_PROOFS_PARENT_CACHE: join(dir, "parents") };

function call(args: string[], input: Json): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { input: JSON.stringify(input), encoding: "utf8", env, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function run(stage: string, task: Json): Json {
  const r = call(["run", stage], task);
  assert.equal(r.status, 0, `run ${stage}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Json;
}

const proof = "StackedDrg2KiBV1_1";
const proverId = [232, 7, ...new Array<number>(30).fill(0)];
const ticket = new Array<number>(32).fill(3);
const seed = new Array<number>(32).fill(5);
const sectorId = 42;
const piece = randomBytes(1016);
const bytes = (v: Json | undefined): number[] => v as number[];
const obj = (v: Json | undefined): { [k: string]: Json } => v as { [k: string]: Json };

let commR: number[] = [];
let commD: number[] = [];
let pieceInfos: Json = [];
let proofBytes: number[] = [];
const cacheDir = join(dir, "cache");
const sealed = join(dir, "sealed");

before(() => {
  assert.ok(existsSync(bin), `${bin} missing: npm run build:native`);
  mkdirSync(cacheDir);
  mkdirSync(join(dir, "parents"));
  writeFileSync(join(dir, "piece"), piece);
  const staged = join(dir, "staged");
  pieceInfos = run("add_pieces", {
    seal_proof_type: proof,
    pieces: [{ piece_file: { local: join(dir, "piece") }, payload_size: 1016, piece_size: 1016 }],
    staged_filepath: staged,
  });
  assert.equal(run("tree_d", { registered_proof: proof, staged_file: staged, cache_dir: cacheDir }), true);
  writeFileSync(sealed, ""); // damocles creates the sealed file empty before PC1
  const pc1out = run("pc1", {
    registered_proof: proof,
    cache_path: cacheDir,
    in_path: staged,
    out_path: sealed,
    prover_id: proverId,
    sector_id: sectorId,
    ticket,
    piece_infos: pieceInfos,
  });
  const pc2 = obj(run("pc2", { pc1out, cache_dir: cacheDir, sealed_file: sealed }));
  commR = bytes(pc2.comm_r);
  commD = bytes(pc2.comm_d);
  assert.equal(pc2.registered_proof, proof);
  const c1out = run("c1", {
    registered_proof: proof,
    cache_path: cacheDir,
    replica_path: sealed,
    comm_r: commR,
    comm_d: commD,
    prover_id: proverId,
    sector_id: sectorId,
    ticket,
    seed,
    piece_infos: pieceInfos,
  });
  const vp = obj(obj(c1out).vanilla_proofs).StackedDrg2KiBV1 as Json[][];
  assert.equal(vp.length, 1);
  assert.equal(vp[0]?.length, 2);
  proofBytes = bytes(obj(run("c2", { c1out, prover_id: proverId, sector_id: sectorId, miner_id: 1000 })).proof);
});

function verifyRequest(over: { [k: string]: Json } = {}): { [k: string]: Json } {
  return {
    registered_proof: proof,
    comm_r: commR,
    comm_d: commD,
    prover_id: proverId,
    sector_id: sectorId,
    ticket,
    seed,
    proof: Buffer.from(proofBytes).toString("base64"),
    ...over,
  };
}

test("verify-seal accepts the c2 proof and prints one JSON line", () => {
  const r = call(["verify-seal"], verifyRequest());
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '{"valid":true}\n');
});

test("verify-seal rejects a changed public input or proof byte with a reason, exit 0", () => {
  const cases: { [k: string]: Json }[] = [
    { sector_id: sectorId + 1 },
    { seed: new Array<number>(32).fill(6) },
    { ticket: new Array<number>(32).fill(4) },
    { comm_r: [(commR[0] ?? 0) ^ 1, ...commR.slice(1)] },
    { prover_id: [233, 7, ...new Array<number>(30).fill(0)] },
  ];
  const flipped = proofBytes.map((b, i) => (i === 200 ? b ^ 1 : b));
  cases.push({ proof: Buffer.from(flipped).toString("base64") });
  for (const over of cases) {
    const r = call(["verify-seal"], verifyRequest(over));
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout) as { valid: boolean; reason?: string };
    assert.equal(v.valid, false, JSON.stringify(over).slice(0, 60));
    assert.ok(v.reason && v.reason.length > 0);
  }
});

test("verify-seal: malformed input exits 1 naming the field", () => {
  const { comm_d: _omit, ...noCommD } = verifyRequest();
  let r = call(["verify-seal"], noCommD);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /comm_d/);
  r = call(["verify-seal"], verifyRequest({ ticket: [1, 2, 3] }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ticket/);
  r = call(["verify-seal"], verifyRequest({ proof: "not base64!" }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /proof/);
});

test("window_post proves the sealed replica, faults a missing one; verify-window-post checks it", () => {
  const randomness = new Array<number>(32).fill(9);
  const out = obj(
    run("window_post", {
      miner_id: 1000,
      proof_type: "StackedDrgWindow2KiBV1_2",
      replicas: [
        { sector_id: sectorId, comm_r: commR, cache_dir: cacheDir, sealed_file: sealed },
        { sector_id: 7, comm_r: commR, cache_dir: join(dir, "gone"), sealed_file: join(dir, "gone", "sealed") },
      ],
      seed: randomness,
    }),
  );
  assert.deepEqual(out.faults, [7]);
  const proofs = out.proofs as string[];
  assert.equal(proofs.length, 1);
  const request = (over: { [k: string]: Json }) => ({
    proof_type: "StackedDrgWindow2KiBV1_2",
    miner_id: 1000,
    randomness,
    replicas: [{ sector_id: sectorId, comm_r: commR }],
    proofs,
    ...over,
  });
  let r = call(["verify-window-post"], request({}));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '{"valid":true}\n');
  r = call(["verify-window-post"], request({ randomness: new Array<number>(32).fill(8) }));
  assert.equal(JSON.parse(r.stdout).valid, false);
  r = call(["verify-window-post"], request({ miner_id: 1001 }));
  assert.equal(JSON.parse(r.stdout).valid, false);
  r = call(["verify-window-post"], request({ replicas: [{ sector_id: 7, comm_r: commR }] }));
  assert.equal(JSON.parse(r.stdout).valid, false);
  r = call(["verify-window-post"], request({ proof_type: "StackedDrgWindow3KiBV1" }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /proof_type/);
  // issue 15: a WindowPoSt over no sectors is not a proof.
  r = call(["verify-window-post"], request({ replicas: [], proofs: [] }));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).valid, false);
  assert.match(JSON.parse(r.stdout).reason, /no sectors to prove/);
});

/** The unseal task for the whole first piece of the sealed test sector, written to `out`. */
function unsealPieceTask(out: string) {
  return {
    registered_proof: proof,
    prover_id: proverId,
    sector_id: sectorId,
    comm_d: commD,
    ticket,
    cache_dir: cacheDir,
    sealed_file: sealed,
    unsealed_output: out,
    offset: 0,
    num_bytes: 1016,
  };
}

test("unseal returns the piece bytes from the sealed file", () => {
  const out = join(dir, "unsealed");
  const n = run("unseal", unsealPieceTask(out));
  assert.equal(n, 1016);
  assert.deepEqual(readFileSync(out), piece);
});

test("issue 15: unseal refuses an output equal to (or resolving to) the sealed file or a cache file", () => {
  const before = readFileSync(sealed);
  for (const [out, why] of [
    [sealed, /is the sealed file .*refusing to overwrite the replica/],
    [
      join(dirname(sealed), ".", "..", dirname(sealed).split("/").pop() ?? "", sealed.split("/").pop() ?? ""),
      /is the sealed file/,
    ],
    [join(cacheDir, "p_aux"), /is in the cache dir .*refusing to overwrite the sector's cache/],
  ] as const) {
    const r = call(["run", "unseal"], unsealPieceTask(out));
    assert.equal(r.status, 1, `${out}: ${r.stdout}`);
    assert.match(r.stderr, /unsealed_output/);
    assert.match(r.stderr, why);
  }
  assert.deepEqual(readFileSync(sealed), before, "the replica is untouched");
});
