// `pulumi preview` runs the program with the engine in preview mode: resources are registered but nothing is
// created and their outputs stay unknown. The program must declare the same resources and finish anyway.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { engineIdle } from "../../support/pulumi-engine.js";
import { randomHostKey } from "../../support/ssh-host-key.js";

test("the program previews a farm: every resource declared, none created (mocked engine, preview)", async () => {
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args.name);
        // In preview the engine returns no outputs for resources it would create.
        return { id: undefined, state: {} };
      },
      call: (args) => args.inputs,
    },
    "sealfarm",
    "preview",
    true,
  );
  pulumi.runtime.setAllConfig(
    {
      "sealfarm:farm": JSON.stringify({
        sectorSize: "2KiB",
        miners: [1000],
        manager: {
          name: "mgr",
          address: "10.3.0.10",
          class: "dev",
          database: { url: "sqlite:///var/lib/sealfarm/manager/manager.db" },
          ssh: { hostKey: randomHostKey() },
        },
        persistStores: [{ name: "persist-1", path: "/var/lib/sealfarm/persist-1" }],
        hosts: [{ name: "s1", address: "10.3.0.21", class: "dev", role: "sealer", ssh: { hostKey: randomHostKey() } }],
      }),
      "sealfarm:sshPrivateKey": "k",
      "sealfarm:managerAuthSecret": "cd".repeat(32),
    },
    ["sealfarm:sshPrivateKey", "sealfarm:managerAuthSecret"],
  );
  const program = (await import(new URL("../../../index.ts", import.meta.url).href)) as {
    services: Record<string, pulumi.Output<string>>;
  };
  const deadline = Date.now() + 20000;
  while (registered.length < 15 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(registered.sort(), [
    "farm",
    "mgr-auth-secret",
    "mgr-manager",
    "mgr-manager-service",
    "mgr-manager-toml",
    "mgr-prepare",
    "mgr-release",
    "mgr-tls-crt",
    "mgr-tls-key",
    "s1-manager-ca",
    "s1-prepare",
    "s1-release",
    "s1-sealer",
    "s1-worker-service",
    "s1-worker-toml",
  ]);
  // The service state is only known after `up`: in preview it stays unknown (apply never runs).
  let ran = false;
  program.services.s1?.apply(() => {
    ran = true;
  });
  // Once the engine's queue of registrations and resolutions has drained, an apply that would run has run.
  await engineIdle();
  assert.equal(ran, false);
});
