import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStateOf, nextState, type TransitionTable } from "./transition-table.js";

const states = ["Empty", "Half", "Done"] as const;
type State = (typeof states)[number];
type Event = "Start" | "Finish";
const table: TransitionTable<State, Event> = { Empty: { Start: "Half" }, Half: { Finish: "Done" }, Done: {} };

describe("nextState", () => {
  it("follows a listed pair and rejects every other one, naming the event and the state", () => {
    assert.deepEqual(nextState(table, "Empty", "Start"), { ok: true, next: "Half" });
    assert.deepEqual(nextState(table, "Half", "Finish"), { ok: true, next: "Done" });
    assert.deepEqual(nextState(table, "Empty", "Finish"), {
      ok: false,
      error: "unexpected event Finish for state Empty",
    });
    assert.deepEqual(nextState(table, "Done", "Start"), { ok: false, error: "unexpected event Start for state Done" });
  });
});

describe("isStateOf", () => {
  it("accepts exactly the listed wire names", () => {
    assert.equal(isStateOf(states, "Half"), true);
    assert.equal(isStateOf(states, "half"), false);
    assert.equal(isStateOf(states, "Aborted"), false);
  });
});
