// The pure parts of ManagerHost: manager.toml from the farm, checked with the manager's own config loader.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseManagerToml } from "../agent/manager/config/load-manager-config.js";
import { resolveManagerConfig } from "../agent/manager/config/manager-config.js";
import { verifyToken } from "./core/auth/tokens.js";
import type { FarmConfig } from "./core/config/load-farm.js";
import { deriveWorkerToken } from "./farm.js";
import { managerRpcAddr, planManagerHost } from "./manager-host.js";

const farm: FarmConfig = {
  sectorSize: "32GiB",
  miners: [1000, 1001],
  deals: false,
  manager: {
    name: "mgr-01",
    address: "10.1.0.10",
    ssh: { user: "root", port: 22, hostKey: "ssh-ed25519 AAAA" },
    class: "manager-small",
    rpcPort: 1789,
    database: { url: "postgres://sealfarm@db.internal/sealfarm" },
  },
  persistStores: [
    { name: "persist-1", path: "/mnt/persist-1" },
    { name: "archive", path: "/mnt/archive", readonly: true },
  ],
  hosts: [],
};

test("manager.toml carries the farm's database, miners, stores and port, and the manager accepts it", () => {
  const p = planManagerHost(farm);
  const toml = parseManagerToml("manager.toml", p.managerTomlText);
  assert.equal(toml.listen, "0.0.0.0:1789");
  assert.equal(toml.db.url, "postgres://sealfarm@db.internal/sealfarm");
  assert.deepEqual(
    toml.miners.map((m) => [m.actor, m.seal_proof]),
    [
      [1000, "StackedDrg32GiBV1_1"],
      [1001, "StackedDrg32GiBV1_1"],
    ],
  );
  assert.deepEqual(
    toml.persist_stores.map((s) => [s.name, s.path, s.read_only]),
    [
      ["persist-1", "/mnt/persist-1", false],
      ["archive", "/mnt/archive", true],
    ],
  );
  const resolved = resolveManagerConfig("/var/lib/sealfarm/manager", toml, "manager.toml");
  assert.equal(resolved.miners.length, 2);
  assert.match(
    p.unitText,
    /^ExecStart=\/opt\/sealfarm\/current\/bin\/sealfarm manager run --home \/var\/lib\/sealfarm\/manager$/m,
  );
  assert.ok(p.prepareScript.includes("'/var/lib/sealfarm/manager'"));
  // The piece store belongs to the manager before anyone imports a deal (as root, say).
  assert.ok(
    p.prepareScript.includes("install -d -m 0750 -o 'sealfarm' -g 'sealfarm' '/var/lib/sealfarm/manager/pieces'"),
  );
  assert.ok(p.unprepareScript.includes("'/var/lib/sealfarm/manager/pieces'"));
});

test("workers reach the manager at a multiaddr for its address", () => {
  assert.equal(managerRpcAddr(farm), "/ip4/10.1.0.10/tcp/1789");
  assert.equal(
    managerRpcAddr({ ...farm, manager: { ...farm.manager, address: "mgr.example.org", rpcPort: 2000 } }),
    "/dns/mgr.example.org/tcp/2000",
  );
});

test("the derived worker token verifies with the auth secret and is the same on every run", () => {
  const secret = "ab".repeat(32);
  const token = deriveWorkerToken(secret);
  assert.equal(deriveWorkerToken(`${secret}\n`), token);
  assert.equal(verifyToken(Buffer.from(secret, "hex"), token), "write");
  assert.throws(() => deriveWorkerToken("not-hex"), /sealfarm:managerAuthSecret: expected 64 lowercase hex/);
});
