// sealfarm as a child process for tests and benches: started from bin/sealfarm.js (the compiled code) and ready
// once it prints "listening on URL", which a server prints once, after it listens (a state that stays); the
// manager, and `sealfarm devnet run` for tests that reach the devnet the way a manager reaches a Lotus node.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const sealfarmBin = fileURLToPath(new URL("../../bin/sealfarm.js", import.meta.url));

export interface SealfarmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `sealfarm` command to its exit; a failing command is a result (its code and output), not a throw. */
export async function runSealfarm(args: readonly string[]): Promise<SealfarmRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [sealfarmBin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

export interface ListeningChild {
  readonly child: ChildProcess;
  /** The URL it printed after "listening on". */
  readonly url: string;
  /** Everything it printed on stdout so far. */
  out(): string;
  /** Everything it printed on stderr so far ("" unless stderr is "pipe"). */
  err(): string;
  /** Its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

export interface StartOptions {
  /** Where its stderr goes: kept ("pipe", the default), the test's own ("inherit"), or an open file descriptor. */
  readonly stderr?: "pipe" | "inherit" | number;
  /** Hang guard for the start; generous, never a measure of speed. */
  readonly timeoutMs?: number;
}

/** Runs `sealfarm ...args` and resolves once it is listening; rejects (with its output) if it exits first or the
 * hang guard runs out. */
export function startListening(args: readonly string[], options: StartOptions = {}): Promise<ListeningChild> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const child = spawn(process.execPath, [sealfarmBin, ...args], {
    stdio: ["ignore", "pipe", options.stderr ?? "pipe"],
  });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const what = `sealfarm ${args.slice(0, 2).join(" ")}`;
  return new Promise((resolve, reject) => {
    // A child that never gets ready is killed with the guard, so it cannot keep the test process alive.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${what} did not start within ${timeoutMs} ms: ${out} ${err}`));
    }, timeoutMs);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1], out: () => out, err: () => err, exited });
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited ${code}: ${out} ${err}`));
    });
  });
}

/** The same, naming `what` is started in its errors (as spawnListening did before it took options). */
export function spawnListening(args: string[], what: string, timeoutMs = 120_000): Promise<ListeningChild> {
  return startListening(args, { timeoutMs }).catch((e: unknown) => {
    throw new Error(`${what}: ${e instanceof Error ? e.message : e}`);
  });
}

/** Starts the devnet in `dir` (its state survives restarts), with `extra` flags such as ["--block-time", "100ms"]. */
export function startDevnetProcess(dir: string, tokenFile: string, extra: string[] = []): Promise<ListeningChild> {
  return startListening([
    "devnet",
    "run",
    "--dir",
    dir,
    "--listen",
    "127.0.0.1:0",
    "--token-file",
    tokenFile,
    ...extra,
  ]);
}

/** `sealfarm manager run --home HOME`, listening. */
export function startManagerChild(home: string, options: StartOptions = {}): Promise<ListeningChild> {
  return startListening(["manager", "run", "--home", home], options);
}

/** SIGKILL, resolved once the child has exited (at once if it already has). */
export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
