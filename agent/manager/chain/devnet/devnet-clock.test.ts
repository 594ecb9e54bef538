import assert from "node:assert/strict";
import { test } from "node:test";
import { currentDeadline, heightAt, randomness } from "./devnet-clock.js";

const g = { timeMs: 1_000_000, seedHex: "11".repeat(32) };

test("height counts whole block times since genesis", () => {
  assert.equal(heightAt(g, 1_000_000, 100), 0);
  assert.equal(heightAt(g, 1_000_099, 100), 0);
  assert.equal(heightAt(g, 1_000_100, 100), 1);
  assert.equal(heightAt(g, 999_000, 100), 0);
});

test("randomness differs per domain and epoch and is stable", () => {
  assert.notEqual(randomness(g, "ticket", 1).toString("hex"), randomness(g, "seed", 1).toString("hex"));
  assert.notEqual(randomness(g, "ticket", 1).toString("hex"), randomness(g, "ticket", 2).toString("hex"));
  assert.equal(randomness(g, "ticket", 5).toString("hex"), randomness(g, "ticket", 5).toString("hex"));
  assert.equal(randomness(g, "seed", 5).length, 32);
});

test("deadlines split the proving period into equal windows", () => {
  const s = { provingPeriod: 40, deadlines: 4 };
  assert.deepEqual(currentDeadline(s, 0), { index: 0, open: 0, close: 10 });
  assert.deepEqual(currentDeadline(s, 19), { index: 1, open: 10, close: 20 });
  assert.deepEqual(currentDeadline(s, 47), { index: 0, open: 40, close: 50 });
  assert.deepEqual(currentDeadline(s, 79), { index: 3, open: 70, close: 80 });
});
