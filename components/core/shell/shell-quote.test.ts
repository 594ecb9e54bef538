// The quoter checked by really running what it builds: `sh -c` must split a quoted line back into the same argv.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { shellQuote } from "./shell-quote.js";

describe("shell quoting", () => {
  it("sh splits a quoted line back into exactly the argv", () => {
    const argv = [
      "printf",
      "%s\\n",
      "plain",
      "two words",
      "it's",
      "$HOME",
      "`id`",
      "a;b|c&d",
      "",
      "*",
      "new\nline",
      "--",
    ];
    const out = execFileSync("/bin/sh", ["-c", argv.map(shellQuote).join(" ")], { encoding: "utf8" });
    assert.deepEqual(out.split("\n").slice(0, -1), [...argv.slice(2, 10), "new", "line", "--"]);
  });

  it("quotes every word, safe or not, so a script's text depends only on its values", () => {
    assert.equal(shellQuote("/opt/sealfarm/current/bin/sealfarm"), "'/opt/sealfarm/current/bin/sealfarm'");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(""), "''");
  });
});
