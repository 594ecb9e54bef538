// Reads the TAP report of node's test runner into per-test results (pure; test/soak.mjs uses it). A suite that
// failed only because a test inside it failed is not counted again; a file that crashed before or between its
// tests is one failure named by the file.

/** @typedef {{ name: string, file: string | undefined, ok: boolean, error: string | undefined }} TapResult */

const subtest = /^( *)# Subtest: (.*)$/;
const result = /^( *)(ok|not ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/;

/**
 * @param {string} tap the whole report
 * @param {string} root absolute repository root, stripped from file paths
 * @returns {TapResult[]} one entry per test that is not a suite, in report order
 */
export function parseTap(tap, root) {
  const lines = tap.split("\n");
  const names = [];
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const s = subtest.exec(line);
    if (s) {
      const depth = s[1].length / 4;
      names.length = depth;
      names[depth] = s[2];
      continue;
    }
    const r = result.exec(line);
    if (!r) continue;
    if (r[4] !== undefined) continue; // skipped or todo
    const depth = r[1].length / 4;
    const path = [...names.slice(0, depth), r[3]];
    // The YAML block after the result line: `---` … `...`, indented two more spaces.
    const info = {};
    if ((lines[i + 1] ?? "").trim() === "---") {
      for (let j = i + 2; j < lines.length; j++) {
        const y = lines[j] ?? "";
        if (y.trim() === "...") break;
        const kv = /^ *(location|type|failureType|error): (.*)$/.exec(y);
        if (!kv || info[kv[1]] !== undefined) continue;
        // A block scalar (`|-`): the text is on the lines below; its first line says enough.
        const block = /^[|>]-?$/.test(kv[2]) ? (lines[j + 1] ?? "").trim() : undefined;
        info[kv[1]] = block ?? kv[2].replace(/^'(.*)'$/, "$1");
      }
    }
    if (info.type === "suite" && (r[2] === "ok" || info.failureType === "subtestsFailed")) continue;
    const location = info.location === undefined ? undefined : info.location.replace(/:\d+:\d+$/, "");
    const file = location?.startsWith(`${root}/`) ? location.slice(root.length + 1) : location;
    out.push({ name: path.join(" > "), file, ok: r[2] === "ok", error: info.error });
  }
  return out;
}
