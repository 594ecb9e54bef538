import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sectorPaths } from "../store/sealing-store.js";
import { isTransferDone, persistTransferTask } from "./transfer-task.js";

describe("persist transfer task", () => {
  it("routes the cache files, then the sealed file, into the store, in damocles' JSON shape", () => {
    const id = { Miner: 1000, Number: 7 };
    const task = persistTransferTask(
      { name: "persist-1", meta: { endpoint: "s3://bucket" } },
      sectorPaths("/seal/0/data", id),
      sectorPaths("/mnt/persist-1", id),
      ["t_aux", "sc-02-data-tree-r-last.dat", "p_aux"],
    );
    const route = (src: string, dest: string) => ({
      src: { store_name: null, uri: src },
      dest: { store_name: "persist-1", uri: dest },
      opt: { is_dir: false, allow_link: false },
    });
    assert.equal(
      JSON.stringify(task),
      JSON.stringify({
        stores: { "persist-1": { name: "persist-1", meta: { endpoint: "s3://bucket" } } },
        routes: [
          route("/seal/0/data/cache/s-t01000-7/p_aux", "/mnt/persist-1/cache/s-t01000-7/p_aux"),
          route(
            "/seal/0/data/cache/s-t01000-7/sc-02-data-tree-r-last.dat",
            "/mnt/persist-1/cache/s-t01000-7/sc-02-data-tree-r-last.dat",
          ),
          route("/seal/0/data/cache/s-t01000-7/t_aux", "/mnt/persist-1/cache/s-t01000-7/t_aux"),
          route("/seal/0/data/sealed/s-t01000-7", "/mnt/persist-1/sealed/s-t01000-7"),
        ],
      }),
    );
  });

  it("copies the meta map instead of sharing it", () => {
    const meta = { a: "1" };
    const p = sectorPaths("/d", { Miner: 1, Number: 1 });
    const task = persistTransferTask({ name: "s", meta }, p, p, []);
    meta.a = "2";
    assert.deepEqual(task.stores.s?.meta, { a: "1" });
    assert.equal(task.routes.length, 1);
  });

  it("only `true` means done", () => {
    assert.equal(isTransferDone(true), true);
    for (const v of [false, null, "true", 1, {}]) assert.equal(isTransferDone(v), false);
  });
});
