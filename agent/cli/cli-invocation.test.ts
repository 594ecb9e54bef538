import assert from "node:assert/strict";
import { test } from "node:test";
import { cliInvocation } from "./cli-invocation.js";

test("printed commands use the launcher the user ran, relative when it is below their directory", () => {
  assert.equal(cliInvocation("/usr/local/bin/sealfarm", "/home/op"), "sealfarm");
  assert.equal(cliInvocation("/home/op/sealfarm/bin/sealfarm.js", "/home/op/sealfarm"), "node bin/sealfarm.js");
  assert.equal(cliInvocation("/home/op/sealfarm/bin/sealfarm.js", "/tmp/x"), "node /home/op/sealfarm/bin/sealfarm.js");
});
