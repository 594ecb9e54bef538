import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { childEnv, decodeResponseLine, encodeTaskRequest, pickChild, readyLine } from "./protocol.js";

describe("processor protocol codec", () => {
  it("encodes requests and ready lines as damocles does", () => {
    assert.equal(encodeTaskRequest(7, { a: 1 }), '{"id":7,"task":{"a":1}}\n');
    assert.equal(readyLine("pc1"), "pc1 processor ready");
    assert.equal(readyLine("sealing_daemons"), "EMPTY processor ready");
  });
  it("decodes responses: output, err_msg, lost output, garbage", () => {
    assert.deepEqual(decodeResponseLine('{"id":3,"err_msg":null,"output":[1]}'), { id: 3, ok: true, output: [1] });
    assert.deepEqual(decodeResponseLine('{"id":3,"err_msg":"bad ticket","output":null}'), {
      id: 3,
      ok: false,
      error: "bad ticket",
    });
    assert.deepEqual(decodeResponseLine('{"id":4}'), { id: 4, ok: false, error: "output field lost" });
    assert.ok("invalid" in decodeResponseLine("thread 'main' panicked"));
    assert.ok("invalid" in decodeResponseLine('{"err_msg":null,"output":1}'));
  });
  it("builds the child env: parent (if inherited), injected vars, then envs override", () => {
    const base = {
      parentEnv: { PATH: "/bin", CUDA_VISIBLE_DEVICES: "0,1" },
      stage: "pc1",
      index: 1,
      workerPid: 42,
      cpuset: "0-3",
      cgroupName: "vc-worker",
      numaPreferred: 0,
    };
    assert.deepEqual(
      childEnv({ ...base, inheritEnvs: true, envs: { CUDA_VISIBLE_DEVICES: "1", VC_CG_CPUSET: "4-7" } }),
      {
        PATH: "/bin",
        CUDA_VISIBLE_DEVICES: "1",
        VENUS_WORKER_NUMA_PREFERRED: "0",
        VC_CG_NAME: "vc-worker/sub-pc1-42-1",
        VC_CG_CPUSET: "4-7",
      },
    );
    assert.deepEqual(
      childEnv({ ...base, inheritEnvs: false, cpuset: undefined, numaPreferred: undefined, envs: {} }),
      {},
    );
  });
  it("picks the free child with the most room", () => {
    assert.equal(
      pickChild([
        { free: true, max: 2, load: 1 },
        { free: false, max: 64, load: 0 },
        { free: true, max: 4, load: 1 },
      ]),
      2,
    );
    assert.equal(pickChild([{ free: false, max: 1, load: 1 }]), undefined);
  });
});
