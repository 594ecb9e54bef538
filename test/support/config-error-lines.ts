// The lines of the ConfigError a call throws, for tests that assert every problem a bad input reports.
import assert from "node:assert/strict";
import { ConfigError } from "../../components/core/config/config-error.js";

/** Runs `fn`, which must throw a ConfigError, and returns its message split into one line per problem. */
export function configErrorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.message.split("\n");
  }
  assert.fail("expected a ConfigError");
}
