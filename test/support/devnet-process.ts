// `sealfarm devnet run` as its own child process, for tests that reach the devnet the way a manager reaches a Lotus
// node: start it (on port 0 unless told), learn its URL from its first line, SIGKILL it.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const sealfarm = fileURLToPath(new URL("../../bin/sealfarm.js", import.meta.url));

export interface DevnetProcess {
  child: ChildProcess;
  /** The v1 endpoint it listens on, e.g. http://127.0.0.1:40123/rpc/v1. */
  url: string;
}

/** Starts the devnet in `dir` (its state survives restarts), with `extra` flags such as ["--block-time", "100ms"]. */
export function startDevnetProcess(dir: string, tokenFile: string, extra: string[] = []): Promise<DevnetProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [sealfarm, "devnet", "run", "--dir", dir, "--listen", "127.0.0.1:0", "--token-file", tokenFile, ...extra],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`devnet did not start: ${out} ${err}`)), 60_000);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`devnet exited ${code}: ${err}`));
    });
  });
}

export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
