// A custom `[[processors.transfer]]` binary for the tests (run with node): speaks damocles' line protocol, appends
// every task it gets to $TRANSFER_RECORD (one JSON line each), copies each route's src file to its dest (temp name
// + rename) and answers true, or answers false without copying when $TRANSFER_ANSWER is "false".
import { appendFileSync, copyFileSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";

process.stdout.write("transfer processor ready\n");
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  const { id, task } = JSON.parse(line);
  let answer;
  try {
    appendFileSync(process.env.TRANSFER_RECORD, `${JSON.stringify(task)}\n`);
    if (process.env.TRANSFER_ANSWER === "false") {
      answer = { id, err_msg: null, output: false };
    } else {
      for (const r of task.routes) {
        mkdirSync(dirname(r.dest.uri), { recursive: true });
        copyFileSync(r.src.uri, `${r.dest.uri}.custom-tmp`);
        renameSync(`${r.dest.uri}.custom-tmp`, r.dest.uri);
      }
      answer = { id, err_msg: null, output: true };
    }
  } catch (e) {
    answer = { id, err_msg: String(e), output: null };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
lines.on("close", () => process.exit(0));
