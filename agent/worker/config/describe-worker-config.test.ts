import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeWorkerConfig } from "./describe-worker-config.js";
import { parseWorkerConfig } from "./load-worker-config.js";

const toml = `
[sector_manager]
rpc_client.addr = "/ip4/127.0.0.1/tcp/1789"
[[sealing_thread]]
location = "/srv/snap0"
plan = "snapup"
[[sealing_thread]]
plan = "wdpost"
[[attached]]
name = "p"
location = "/srv/p"
[[processors.snap_prove]]
bin = "/usr/local/bin/gpu-snap-prove"
`;

describe("describeWorkerConfig", () => {
  const { config, warnings } = parseWorkerConfig(toml, "worker.toml", { defaultBin: "/opt/sealfarm-proofs" });
  const identity = { name: "10.0.0.7", dest: "10.0.0.7:17890" };

  it("names each stage a plan needs that neither a [[processors]] entry nor the bundled binary serves", () => {
    const f = describeWorkerConfig({
      config,
      warnings,
      identity,
      bundled: { bin: "/opt/sealfarm-proofs", stages: ["add_pieces", "tree_d", "window_post"] },
    });
    assert.equal(f.ok, false);
    // snap_prove has its own processor, so only the other three snap stages are named.
    assert.deepEqual(
      f.problems.map((p) => /runs the (\w+) stage/.exec(p)?.[1]),
      ["snap_encode", "snap_partition_proofs", "verify_snap"],
    );
    assert.match(f.problems[0] ?? "", /^worker\.toml: sealing_thread\[0\]\.plan: "snapup" runs the snap_encode stage/);
  });

  it("is ok when the bundled binary serves them, and reports the identity it was given", () => {
    const stages = [
      "add_pieces",
      "tree_d",
      "snap_encode",
      "snap_partition_proofs",
      "snap_prove",
      "verify_snap",
      "window_post",
    ];
    const f = describeWorkerConfig({ config, warnings, identity, bundled: { bin: "/opt/sealfarm-proofs", stages } });
    assert.deepEqual(f.problems, []);
    assert.deepEqual(f.worker, {
      name: "10.0.0.7",
      nameFrom: "local address toward the manager",
      dest: "10.0.0.7:17890",
      rpcListen: "0.0.0.0:17890",
    });
    assert.equal(f.stages.find((s) => s.stage === "snap_prove")?.source, "config");
    assert.equal(f.stages.find((s) => s.stage === "snap_encode")?.source, "default");
  });

  it("keeps an unreachable manager a warning (the config is fine), and a loopback Dest for a remote one a problem", () => {
    const withIdentityError = (error: string, unreachable: boolean) =>
      describeWorkerConfig({
        config,
        warnings,
        bundled: { bin: "/opt/sealfarm-proofs", stages: [] },
        identity: { error, unreachable },
      });
    const down = withIdentityError("cannot reach", true);
    assert.ok(down.warnings.includes("cannot reach"));
    assert.equal(down.worker.nameFrom, "unknown (manager unreachable)");
    assert.ok(withIdentityError("loopback Dest", false).problems.includes("loopback Dest"));
  });
});
