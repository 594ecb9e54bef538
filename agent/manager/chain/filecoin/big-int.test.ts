import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BigIntFormatError,
  bigIntFromBytes,
  bigIntFromJson,
  bigIntToBytes,
  bigIntToJson,
  formatFil,
  parseFil,
} from "./big-int.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("BigInt bytes: sign byte ‖ big-endian magnitude, zero empty (go-state-types big.Int Bytes/FromBytes)", () => {
  // The rule from go-state-types big/int.go: Bytes() is {} for 0, {0x00, mag…} for positive, {0x01, mag…} for negative.
  const cases: [bigint, string][] = [
    [0n, ""],
    [1n, "0001"],
    [255n, "00ff"],
    [256n, "000100"],
    [-1n, "0101"],
    [-256n, "01" + "0100"],
    // 1 FIL = 10^18 attoFIL = 0x0de0b6b3a7640000.
    [10n ** 18n, "000de0b6b3a7640000"],
  ];
  for (const [value, bytes] of cases) {
    assert.equal(hex(bigIntToBytes(value)), bytes, String(value));
    assert.equal(bigIntFromBytes(Buffer.from(bytes, "hex")), value, bytes);
  }
  // A magnitude with leading zero bytes still decodes (Go's SetBytes ignores them).
  assert.equal(bigIntFromBytes(Buffer.from("000001", "hex")), 1n);
  assert.throws(() => bigIntFromBytes(Buffer.from("0201", "hex")), /sign byte 0x00 or 0x01, got 0x02/);
});

test('BigInt JSON is a decimal string, as in the Lotus API docs ("0", "42")', () => {
  assert.equal(bigIntToJson(0n), "0");
  assert.equal(bigIntToJson(10n ** 18n), "1000000000000000000");
  assert.equal(bigIntFromJson("42"), 42n);
  assert.equal(bigIntFromJson("-7"), -7n);
  for (const bad of ["", "01", "1e3", " 1", "-0", 42, null, "0x10"])
    assert.throws(() => bigIntFromJson(bad), BigIntFormatError, JSON.stringify(bad));
});

test("FIL amounts for fee knobs and display", () => {
  assert.equal(parseFil("0.05 FIL"), 5n * 10n ** 16n);
  assert.equal(parseFil("1"), 10n ** 18n);
  assert.equal(parseFil("5000 attoFIL"), 5000n);
  assert.equal(parseFil("0.000000000000000001"), 1n);
  assert.throws(() => parseFil("0.0000000000000000001"), /expected an amount/);
  assert.throws(() => parseFil("1.5 attoFIL"), /indivisible/);
  assert.throws(() => parseFil("-1 FIL"), /expected an amount/);
  assert.equal(formatFil(5n * 10n ** 16n), "0.05 FIL");
  assert.equal(formatFil(2n * 10n ** 18n), "2 FIL");
  assert.equal(formatFil(-1n), "-0.000000000000000001 FIL");
});
