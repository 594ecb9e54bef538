// A connection cut in the middle of an upload: the provider tests' way to prove a write is atomic. The cut comes once
// the upload's temp file on the host holds bytes (so the session really is mid-transfer), by killing the sshd child
// that serves it.
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { TestHost, TestHostSet } from "../hosts/netns-hosts.js";

/**
 * Cuts `host`'s SSH sessions once a file in `dir` whose name starts with `tempPrefix` is non-empty, and returns the
 * error `update` failed with, which must name the host's address.
 */
export async function cutMidUpload(
  hosts: TestHostSet,
  host: TestHost,
  dir: string,
  tempPrefix: string,
  update: Promise<unknown>,
): Promise<Error> {
  const settled = update.then(
    () => "resolved",
    (err: Error) => err,
  );
  let killed = 0;
  // A hang guard in time, not a number of polls: on a loaded machine the SSH session can take seconds to start.
  for (const until = Date.now() + 120_000; killed === 0 && Date.now() < until; ) {
    const tmp = readdirSync(dir).find((f) => f.startsWith(tempPrefix));
    if (tmp && statSync(join(dir, tmp)).size > 0) killed = hosts.killSessions(host);
    else await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(killed > 0, "the upload was never seen in progress");
  const result = await settled;
  assert.ok(result instanceof Error, `update should fail, got ${String(result)}`);
  assert.match(result.message, new RegExp(host.address.replace(/\./g, "\\.")));
  return result;
}
