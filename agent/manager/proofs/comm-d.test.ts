import assert from "node:assert/strict";
import { test } from "node:test";
import { computeCommD, sha254, zeroCommitment } from "./comm-d.js";

// lotus zerocomm.go PieceComms.
const ZERO: [number, string][] = [
  [64, "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb0b"],
  [128, "3731bb99ac689f66eef5973e4a94da188f4ddcae580724fc6f3fd60dfd488333"],
  [2048, "fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833"],
  [8 << 20, "65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c"],
  [512 << 20, "39560e7b13a93b07a243fd2720ffa7cb3e1d2e505ab3629e79f46313512cda06"],
  [32 * 2 ** 30, "077e5fde35c50a9303a55009e3498a4ebedff39c42b710b730d8ec7ac7afa63e"],
  [64 * 2 ** 30, "e64005a6bfe3777953b8ad6ef93f0fca1049b2041654f2a411f7702799cece02"],
];

test("zero commitments match the public table", () => {
  for (const [size, hex] of ZERO) assert.equal(zeroCommitment(size).toString("hex"), hex, `size ${size}`);
  assert.throws(() => zeroCommitment(100), /power of two/);
});

test("sha254 clears the top two bits of the last byte", () => {
  for (let i = 0; i < 50; i++) {
    const d = sha254(Buffer.from([i]), Buffer.from([i + 1]));
    assert.equal((d[31] ?? 0) & 0xc0, 0);
  }
});

test("CommD of a CC sector is the zero commitment of its size", () => {
  assert.equal(computeCommD(2048, []).toString("hex"), ZERO[2]?.[1]);
});

test("CommD of zero pieces equals the zero sector, whatever the piece layout", () => {
  const z = (s: number) => ({ paddedSize: s, commitment: zeroCommitment(s) });
  const cc = zeroCommitment(2048).toString("hex");
  assert.equal(computeCommD(2048, [z(2048)]).toString("hex"), cc);
  assert.equal(computeCommD(2048, [z(128), z(1024)]).toString("hex"), cc);
  assert.equal(computeCommD(2048, [z(256), z(256), z(512)]).toString("hex"), cc);
});

test("CommD aligns pieces: a 128 B piece then a 512 B piece gets zero padding between them", () => {
  const p = { paddedSize: 128, commitment: Buffer.alloc(32, 1) };
  const q = { paddedSize: 512, commitment: Buffer.alloc(32, 2) };
  // By hand: [p, z128] → 256; [256, z256] → 512; [512, q] → 1024; [1024, z1024] → 2048.
  const l256 = sha254(p.commitment, zeroCommitment(128));
  const l512 = sha254(l256, zeroCommitment(256));
  const l1024 = sha254(l512, q.commitment);
  const root = sha254(l1024, zeroCommitment(1024));
  assert.equal(computeCommD(2048, [p, q]).toString("hex"), root.toString("hex"));
  assert.notEqual(computeCommD(2048, [q, p]).toString("hex"), root.toString("hex"));
  assert.throws(() => computeCommD(2048, [{ paddedSize: 4096, commitment: Buffer.alloc(32) }]), /exceed/);
  assert.throws(() => computeCommD(2048, [{ paddedSize: 100, commitment: Buffer.alloc(32) }]), /piece 0/);
});
