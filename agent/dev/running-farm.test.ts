import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { scratchDir } from "../../test/support/scratch-dir.js";
import {
  DEV_DIR,
  findRunningDevFarm,
  RUNNING_FILE,
  removeRunningFarm,
  runningFarmIn,
  writeRunningFarm,
} from "./running-farm.js";

const cwd = scratchDir("sealfarm-dev-farm-");
const root = join(cwd, DEV_DIR);
const farm = {
  pid: process.pid,
  managerUrl: "http://127.0.0.1:40001",
  managerHome: join(root, "manager"),
  workerUrl: "http://127.0.0.1:40002",
};

test("a running farm is found from the directory dev ran in, and only while its process lives", () => {
  assert.equal(findRunningDevFarm(cwd), undefined);
  writeRunningFarm(root, farm);
  assert.deepEqual(findRunningDevFarm(cwd), farm);
  assert.deepEqual(runningFarmIn(root), farm, "a dev run on the same directory sees it");
  assert.equal(findRunningDevFarm(join(cwd, "elsewhere")), undefined);
  assert.equal(
    findRunningDevFarm(cwd, () => false),
    undefined,
    "a file left by a killed run is ignored",
  );
});

test("a run removes only the file it wrote; a torn file is no farm", () => {
  writeRunningFarm(root, { ...farm, pid: 1 });
  removeRunningFarm(root);
  assert.ok(existsSync(join(root, RUNNING_FILE)), "another run's file stays");
  writeRunningFarm(root, farm);
  removeRunningFarm(root);
  assert.equal(existsSync(join(root, RUNNING_FILE)), false);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, RUNNING_FILE), '{"pid": 1, "managerUrl"');
  assert.equal(findRunningDevFarm(cwd), undefined);
});
