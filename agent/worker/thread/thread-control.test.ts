import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Interrupted } from "../stages/stage-deps.js";
import { ThreadControl } from "./thread-control.js";

describe("thread control", () => {
  it("a pause wakes a sleep; a second pause while one is pending is refused", async () => {
    const c = new ThreadControl();
    const sleeping = c.sleep(60_000);
    assert.equal(c.pause(), true);
    assert.equal(c.pause(), false);
    await assert.rejects(sleeping, (e: unknown) => e instanceof Interrupted && e.message === "paused");
    assert.throws(() => c.check(), /paused/);
  });
  it("resume is true only while the thread waits for it, and carries the target state", async () => {
    const c = new ThreadControl();
    assert.equal(c.resume(undefined), false, "not paused");
    c.pause();
    const waiting = c.waitResume();
    assert.equal(c.isPausedWaiting, true);
    assert.equal(c.pause(), false, "already paused");
    assert.equal(c.resume("TreeDBuilt"), true);
    assert.equal(await waiting, "TreeDBuilt");
    assert.equal(c.resume(undefined), false);
    // After a resume the thread sleeps and checks normally again.
    c.check();
    await c.sleep(1);
  });
  it("stop ends sleeps and resume waits", async () => {
    const c = new ThreadControl();
    const s = c.sleep(60_000);
    c.stop();
    await assert.rejects(s, /stopping/);
    assert.equal(await c.waitResume(), undefined);
  });
});
