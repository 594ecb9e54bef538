// The Pulumi program (`pulumi up` runs it through Pulumi.yaml): read the stack config `sealfarm:farm`, validate it
// against the farm schema and the class library in stacks/classes, build the content-addressed release, and
// declare the Farm. Every config problem is reported at once, naming the stack file and the key path, before
// anything is created.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { loadClassDirectory } from "./components/core/config/load-class.js";
import { loadFarmConfig } from "./components/core/config/load-farm.js";
import { Farm } from "./components/farm.js";
import { agentReleaseSources, buildRelease } from "./components/release/build-release.js";

const repoRoot = dirname(fileURLToPath(import.meta.url));
const config = new pulumi.Config("sealfarm");
const stackFile = `stacks/Pulumi.${pulumi.getStack()}.yaml`;

function loadOrExplain<T>(what: () => T): T {
  try {
    return what();
  } catch (err) {
    // RunError prints the message without a stack trace: the message already names file, key and expectation.
    if (err instanceof Error) throw new pulumi.RunError(err.message);
    throw err;
  }
}

const classes = loadOrExplain(() => loadClassDirectory(join(repoRoot, "stacks", "classes")));
const farm = loadOrExplain(() =>
  loadFarmConfig(config.requireObject<unknown>("farm"), stackFile, { classNames: classes.keys() }),
);
const release = loadOrExplain(() =>
  buildRelease(agentReleaseSources(repoRoot), join(repoRoot, ".sealfarm", "releases")),
);

const deployed = new Farm("farm", {
  farm,
  classes,
  release,
  sshPrivateKey: config.requireSecret("sshPrivateKey"),
  managerAuthSecret: config.requireSecret("managerAuthSecret"),
  managerToken: config.getSecret("managerToken"),
});

export const releaseHash = release.hash;
export const hosts = deployed.summary;
export const managerRpcAddr = deployed.manager.rpcAddr;
export const services = Object.fromEntries([
  [farm.manager.name, deployed.manager.service.activeState],
  ...[...deployed.workers].map(([name, w]) => [name, w.service.activeState]),
]);
