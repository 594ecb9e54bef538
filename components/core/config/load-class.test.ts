import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { configErrorLines } from "../../../test/support/config-error-lines.js";
import { loadClassDirectory, loadMachineClass, parseMachineClassYaml } from "./load-class.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = (name: string): string => join("test/fixtures/config", name);

describe("machine class loading", () => {
  it("loads every shipped class", () => {
    const classes = loadClassDirectory(join(root, "stacks/classes"));
    const epyc = classes.get("epyc-2gpu");
    assert.equal(epyc?.numa.length, 2);
    assert.equal(epyc?.gpus.length, 2);
    assert.equal(epyc?.nvme.length, 4);
    assert.equal(classes.get("post-1gpu")?.gpus.length, 1);
    assert.equal(classes.get("manager-small")?.gpus.length, 0);
  });

  it("names the file, the pointer and the expected CPU list format for a trailing comma", () => {
    assert.deepEqual(
      configErrorLines(() => loadMachineClass(fixture("class-bad-cpu-list.yaml"))),
      [
        'test/fixtures/config/class-bad-cpu-list.yaml: /numa/1/cores: expected a CPU list like "0-15,32-47", got "0-15," (a string)',
      ],
    );
  });

  it("reports every schema mistake of one file together", () => {
    const f = "test/fixtures/config/class-many-mistakes.yaml";
    assert.deepEqual(
      configErrorLines(() => loadMachineClass(fixture("class-many-mistakes.yaml"))),
      [
        `${f}: /name: expected a class name of lowercase letters, digits and dashes like "epyc-2gpu", got "Epyc_2GPU" (a string)`,
        `${f}: /cpu/smt: expected one of the keys "model", "sockets", "threadsPerCore", "shaExtensions", got the unknown key "smt"`,
        `${f}: /numa/0/cores: expected the required key "cores": a CPU list like "0-15,32-47", got nothing`,
        `${f}: /memoryGiB: expected the host's RAM in GiB as a number, like 512, got "512GB" (a string)`,
        `${f}: /gpus/0/memoryGiB: expected a number, got "24" (a string)`,
        `${f}: /nvme/0/device: expected a block device path like "/dev/nvme0n1", got "nvme0n1" (a string)`,
      ],
    );
  });

  it("finds overlapping NUMA CPU lists, dangling NUMA references and shared mount points", () => {
    const f = "test/fixtures/config/class-overlapping-numa.yaml";
    assert.deepEqual(
      configErrorLines(() => loadMachineClass(fixture("class-overlapping-numa.yaml"))),
      [
        `${f}: /numa/1/cores: expected CPUs that no other NUMA node lists (CPUs 16-31,80-95 are also in /numa/0/cores), got "16-47,80-111"`,
        `${f}: /gpus/0/numa: expected one of the NUMA node ids in /numa (0, 1), got 2`,
        `${f}: /nvme/1/mount: expected a mount point not used by /nvme/0, got "/mnt/nvme0"`,
      ],
    );
  });

  it("gives the line and column of a YAML syntax error", () => {
    const lines = configErrorLines(() => loadMachineClass(fixture("class-bad-yaml.yaml")));
    assert.equal(
      lines[0],
      "test/fixtures/config/class-bad-yaml.yaml:3:10: expected valid YAML, got Nested mappings are not allowed in compact mappings",
    );
  });

  it("catches reversed ranges, SMT counts that do not divide, and duplicate node ids", () => {
    const text = [
      "name: odd",
      "cpu: { model: x, sockets: 1, threadsPerCore: 2 }",
      "numa:",
      '  - { node: 0, cores: "7-0" }',
      '  - { node: 0, cores: "8-10" }',
      "memoryGiB: 8",
      "gpus: []",
      "nvme: []",
    ].join("\n");
    assert.deepEqual(
      configErrorLines(() => parseMachineClassYaml(text, "odd.yaml")),
      [
        'odd.yaml: /numa/0/cores: expected a CPU list like "0-15,32-47" with ranges written low-high, got "7-0"',
        "odd.yaml: /numa/1/node: expected a NUMA node id not already used (node 0 is /numa/0), got 0",
        'odd.yaml: /numa/1/cores: expected a CPU count divisible by /cpu/threadsPerCore (2), since every core brings all its threads, got "8-10" (3 CPUs)',
      ],
    );
  });

  it("names a missing file", () => {
    assert.deepEqual(
      configErrorLines(() => loadMachineClass("stacks/classes/nope.yaml")),
      ["stacks/classes/nope.yaml: expected a readable machine-class YAML file, got ENOENT"],
    );
  });

  it("requires a class's name to match its file name in a class directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "sealfarm-classes-"));
    try {
      const text =
        "name: other\ncpu: { model: x, sockets: 1, threadsPerCore: 1 }\nnuma: [{ node: 0, cores: '0-1' }]\nmemoryGiB: 8\ngpus: []\nnvme: []\n";
      writeFileSync(join(dir, "mine.yaml"), text);
      assert.deepEqual(
        configErrorLines(() => loadClassDirectory(dir)),
        [`${join(dir, "mine.yaml")}: /name: expected "mine" (the file name without .yaml), got "other"`],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("issue 15: memoryGiB: 1e308, .inf, .nan, a '..' mount and an alias bomb are refused naming the file", () => {
    const f = "stacks/classes/dev.yaml";
    const dev = readFileSync(join(root, f), "utf8");
    const withMemory = (v: string) => dev.replace(/^memoryGiB: .*$/m, `memoryGiB: ${v}`);
    assert.deepEqual(
      configErrorLines(() => parseMachineClassYaml(withMemory("1e308"), f)),
      [`${f}: /memoryGiB: expected a finite number, got 1e+308`],
    );
    assert.deepEqual(
      configErrorLines(() => parseMachineClassYaml(withMemory(".inf"), f)),
      [`${f}: /memoryGiB: expected a finite number, got Infinity`],
    );
    assert.deepEqual(
      configErrorLines(() => parseMachineClassYaml(withMemory(".nan"), f)),
      [`${f}: /memoryGiB: expected a finite number, got NaN`],
    );
    assert.deepEqual(
      configErrorLines(() => parseMachineClassYaml(withMemory("100000"), f)),
      [`${f}: /memoryGiB: expected the host's RAM in GiB as a number, like 512, got 100000 (a number)`],
    );
    assert.deepEqual(
      configErrorLines(() => parseMachineClassYaml(dev.replace(/mount: \S+/, "mount: /../../etc"), f)),
      [
        `${f}: /nvme/0/mount: expected an absolute mount point without ".." like "/mnt/nvme0", got "/../../etc" (a string)`,
      ],
    );
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    ].join("\n");
    assert.deepEqual(
      configErrorLines(() => parseMachineClassYaml(bomb, f)),
      [
        `${f}: expected YAML without excessive aliases, got Excessive alias count indicates a resource exhaustion attack`,
      ],
    );
  });
});
