// `[processors.static_tree_d]`: CC sectors link a prebuilt tree_d instead of computing one, and still seal and
// verify. `[metrics] enable` serves Prometheus on `http_listen`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { defaultProofsBin } from "../../../agent/worker/default-bin.js";
import { freePort } from "../../support/free-port.js";
import { type Farm, requireStages, sectors, startFarm, startWorker, type WorkerProcess, waitFor } from "./harness.js";

await requireStages();

const staticDir = mkdtempSync(join(tmpdir(), "sealfarm-static-treed-"));

describe("static tree_d and the metrics listener", () => {
  let farm: Farm | undefined;
  let worker: WorkerProcess | undefined;
  after(async () => {
    await worker?.stop();
    await farm?.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it("seals CC sectors on a linked static tree_d and serves /metrics on http_listen", async () => {
    const port = await freePort();
    // The static file is what the real tree_d stage builds for an all-zero (CC) 2 KiB staged file.
    const staged = join(staticDir, "cc-staged");
    const bin = defaultProofsBin();
    execFileSync(bin, ["run", "add_pieces"], {
      input: JSON.stringify({ seal_proof_type: "StackedDrg2KiBV1_1", pieces: [], staged_filepath: staged }),
    });
    execFileSync(bin, ["run", "tree_d"], {
      input: JSON.stringify({ registered_proof: "StackedDrg2KiBV1_1", staged_file: staged, cache_dir: staticDir }),
    });
    farm = await startFarm({
      threads: 1,
      workerToml: {
        metrics: { enable: true, http_listen: `127.0.0.1:${port}` },
        processors: { static_tree_d: { "2KiB": join(staticDir, "sc-02-data-tree-d.dat") } },
      },
    });
    const f = farm;
    worker = await startWorker(f.configFile);
    await waitFor("2 Active sectors", async () =>
      (await sectors(f.rpc)).filter((s) => s.State === "Active").length >= 2 ? true : undefined,
    );
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /sealfarm_worker_stage_duration_seconds_count\{worker_name="it-worker",stage="pc1"\} [1-9]/);
    assert.doesNotMatch(text, /stage="tree_d"/, "no tree_d task ran: the static file was linked");
  });
});
