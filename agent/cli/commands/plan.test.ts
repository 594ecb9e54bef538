import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { captureIo } from "../../../test/support/cli-io.js";
import { loadCommand } from "../command.js";
import { main, renderHelp } from "../main.js";
import { commands } from "./index.js";
import { plan } from "./plan.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("sealfarm plan", () => {
  it("prints the report as comments followed by the worker TOML, all parseable as TOML", async () => {
    const io = captureIo();
    const code = await main(["plan", "--class", "stacks/classes/epyc-2gpu.yaml", "--sector-size", "32GiB"], io, [plan]);
    assert.equal(code, 0, io.stderr.join("\n"));
    const text = io.stdout.join("");
    assert.match(text, /^# class epyc-2gpu, role sealer, sector size 32GiB\n# threads: 13 \(bottleneck: memory\)\n/);
    assert.match(text, /# sectors\/day: 64 /);
    const toml = parse(text) as { sealing_thread: unknown[] };
    assert.equal(toml.sealing_thread.length, 13);
  });

  it("--json gives the report and the worker TOML object", async () => {
    const io = captureIo();
    const code = await main(
      ["plan", "--class", "stacks/classes/post-1gpu.yaml", "--sector-size", "32GiB", "--role", "post", "--json"],
      io,
      [plan],
    );
    assert.equal(code, 0);
    const out = JSON.parse(io.stdout.join("")) as {
      report: { threads: number; role: string };
      workerToml: { sealing_thread: Array<{ plan: string }> };
    };
    assert.deepEqual([out.report.role, out.report.threads], ["post", 1]);
    assert.deepEqual(out.workerToml.sealing_thread, [{ plan: "wdpost" }]);
  });

  it("exits 1 with the numbers when the class cannot seal the size, and 1 naming file and pointer for a bad class", async () => {
    let io = captureIo();
    assert.equal(await main(["plan", "--class", "stacks/classes/dev.yaml", "--sector-size", "64GiB"], io, [plan]), 1);
    assert.match(
      io.stderr.join("\n"),
      /^sealfarm plan: class dev cannot seal 64GiB sectors: no sealing thread fits \(nvme allows 0/,
    );
    io = captureIo();
    assert.equal(
      await main(["plan", "--class", "test/fixtures/config/class-bad-cpu-list.yaml", "--sector-size", "2KiB"], io, [
        plan,
      ]),
      1,
    );
    assert.equal(
      io.stderr.join("\n"),
      'sealfarm plan: test/fixtures/config/class-bad-cpu-list.yaml: /numa/1/cores: expected a CPU list like "0-15,32-47", got "0-15," (a string)',
    );
  });

  it("exits 2 with usage for missing or wrong options", async () => {
    for (const [argv, message] of [
      [["plan", "--sector-size", "32GiB"], "--class FILE (or --farm STACKFILE) is required"],
      [
        ["plan", "--farm", "f.yaml", "--role", "post"],
        "--farm plans every host of the farm: it takes no --class, --sector-size or --role",
      ],
      [
        ["plan", "--class", "x.yaml", "--sector-size", "32G"],
        '--sector-size: expected one of 2KiB, 8MiB, 512MiB, 32GiB, 64GiB, got "32G"',
      ],
      [
        ["plan", "--class", "x.yaml", "--sector-size", "2KiB", "--role", "manager"],
        '--role: expected "sealer" or "post", got "manager"',
      ],
    ] as const) {
      const io = captureIo();
      assert.equal(await main([...argv], io, [plan]), 2);
      assert.equal(io.stderr[0], `sealfarm plan: ${message}`);
      assert.match(io.stderr[1] ?? "", /^usage: sealfarm plan/);
    }
  });

  it("--farm plans every host of the example farm and sums its sectors per day", async () => {
    const io = captureIo();
    assert.equal(await main(["plan", "--farm", "stacks/Pulumi.example.yaml"], io, [plan]), 0, io.stderr.join("\n"));
    const lines = io.stdout.join("").split("\n");
    assert.equal(lines[0], "host       class      role    threads  bound by  sectors/day");
    assert.equal(lines[1], "sealer-01  epyc-2gpu  sealer  13       memory    64");
    assert.equal(lines[9], "post-02    post-1gpu  post    1        gpus      -");
    assert.equal(lines[11], "farm: 448 sectors/day, 14.0 TiB of sealed capacity per day");
  });

  it("--farm names every host whose class cannot run its role", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealfarm-plan-"));
    try {
      const text = readFileSync("stacks/Pulumi.example.yaml", "utf8").replaceAll("class: post-1gpu", "class: dev");
      writeFileSync(join(dir, "Pulumi.x.yaml"), text);
      const io = captureIo();
      assert.equal(
        await main(["plan", "--farm", join(dir, "Pulumi.x.yaml"), "--classes", "stacks/classes"], io, [plan]),
        1,
      );
      const err = io.stderr.join("\n").split("\n");
      assert.equal(err.length, 2);
      assert.match(
        err[0] ?? "",
        /^sealfarm plan: sealfarm:farm\/hosts\/7 \(post-01\): class dev cannot run WindowPoSt for 32GiB sectors: memory 23\.5 GiB/,
      );
      assert.match(err[1] ?? "", /^sealfarm:farm\/hosts\/8 \(post-02\): class dev cannot run WindowPoSt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is registered, and runs through the real sealfarm binary", async () => {
    const help = renderHelp(await Promise.all(commands.map(loadCommand)));
    assert.match(help, /\n {2}plan +plan one host of a machine class/);
    assert.match(help, /\n {2}host probe +write a machine class describing this machine's real hardware/);
    const out = execFileSync(
      process.execPath,
      ["bin/sealfarm.js", "plan", "--class", "stacks/classes/dev.yaml", "--sector-size", "2KiB"],
      { cwd: root, encoding: "utf8" },
    );
    assert.match(out, /# threads: 1 \(bottleneck: cores\)/);
  });
});
