import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatCpuList, parseCpuList } from "./cpu-list.js";

describe("CPU lists", () => {
  it("parses ranges and single CPUs into sorted distinct numbers", () => {
    assert.deepEqual(parseCpuList("0-3,8"), [0, 1, 2, 3, 8]);
    assert.deepEqual(parseCpuList("8,0-1,1"), [0, 1, 8]);
    assert.deepEqual(parseCpuList("0-31,64-95")?.length, 64);
  });

  it("rejects what a user really mistypes", () => {
    for (const bad of ["0-15,", "", "0 - 3", "15-0", "a-b", "0,,1", "-1", "0-3;8"]) {
      assert.equal(parseCpuList(bad), undefined, bad);
    }
  });

  it("formats the shortest list and round-trips", () => {
    assert.equal(formatCpuList([3, 0, 1, 2, 8, 10, 11]), "0-3,8,10-11");
    assert.equal(formatCpuList([5]), "5");
    assert.equal(formatCpuList([]), "");
    for (const text of ["0-1,64-65", "31,95", "0-127"]) assert.equal(formatCpuList(parseCpuList(text) ?? []), text);
  });
});
