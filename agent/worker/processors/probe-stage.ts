// Asks a processor binary whether it serves a stage: spawn `<bin> processor <stage>`, wait for its ready line.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readyLine } from "./protocol.js";

export function processorHasStage(bin: string, stage: string, timeoutMs = 5000): Promise<boolean> {
  if (!existsSync(bin)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(bin, ["processor", stage], { stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve(out.split("\n")[0]?.trim() === readyLine(stage));
    };
    const timer = setTimeout(done, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) done();
    });
    child.on("error", done);
    child.on("exit", done);
  });
}
