// sealfarm as a child process for tests: start a command that prints "listening on http://…" (the manager, the
// devnet) and learn its URL from that line, SIGKILL it; and `sealfarm devnet run` on top of that, for tests that
// reach the devnet the way a manager reaches a Lotus node.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const sealfarmBin = fileURLToPath(new URL("../../bin/sealfarm.js", import.meta.url));

export interface ListeningChild {
  child: ChildProcess;
  /** The URL from its "listening on …" line. */
  url: string;
}

/** Runs `sealfarm <args>` and resolves once it says where it listens (a hang guard of `timeoutMs`). */
export function spawnListening(args: string[], what: string, timeoutMs = 120_000): Promise<ListeningChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [sealfarmBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${timeoutMs} ms: ${out} ${err}`)),
      timeoutMs,
    );
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
      reject(new Error(`${what} exited ${code}: ${err}`));
    });
  });
}

/** Starts the devnet in `dir` (its state survives restarts), with `extra` flags such as ["--block-time", "100ms"]. */
export function startDevnetProcess(dir: string, tokenFile: string, extra: string[] = []): Promise<ListeningChild> {
  return spawnListening(
    ["devnet", "run", "--dir", dir, "--listen", "127.0.0.1:0", "--token-file", tokenFile, ...extra],
    "devnet",
  );
}

export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
