// One external processor child: spawn, readiness handshake within `stable_wait`, requests matched by id,
// in-flight requests failed when it exits, auto-restart 3 s later (reference §4.1-4.3).
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { ProcessorEntry } from "../config/worker-config.js";
import { Semaphore } from "../resources/semaphore.js";
import { childEnv, decodeResponseLine, encodeTaskRequest, readyLine } from "./protocol.js";

export class ProcessorError extends Error {
  override readonly name = "ProcessorError";
}

interface Pending {
  resolve: (output: unknown) => void;
  reject: (e: Error) => void;
}

export interface ChildOptions {
  workerPid?: number;
  restartDelayMs?: number;
  log?: (line: string) => void;
}

export class ProcessorChild {
  /** Load-balancer capacity: `concurrent`, or 64 when unbounded (damocles' default). */
  readonly max: number;
  readonly slots: Semaphore;
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopping = false;
  private readyPromise: Promise<void> | undefined;
  private stderrTail: string[] = [];
  restarts = 0;

  constructor(
    readonly entry: ProcessorEntry,
    private readonly options: ChildOptions = {},
  ) {
    this.max = entry.concurrent ?? 64;
    this.slots = new Semaphore(entry.concurrent ?? Number.MAX_SAFE_INTEGER);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get load(): number {
    return this.pending.size;
  }

  get label(): string {
    return `${this.entry.stage}[${this.entry.index}]`;
  }

  /** Spawns the child and resolves once it printed its ready line. */
  start(): Promise<void> {
    this.stopping = false;
    this.readyPromise = this.spawnOnce();
    return this.readyPromise;
  }

  /** Resolves when the current child is ready (after a restart, the new one). */
  ready(): Promise<void> {
    return this.readyPromise ?? Promise.reject(new ProcessorError(`${this.label}: not started`));
  }

  private spawnOnce(): Promise<void> {
    const e = this.entry;
    const env = childEnv({
      parentEnv: process.env,
      inheritEnvs: e.inheritEnvs,
      stage: e.stage,
      index: e.index,
      workerPid: this.options.workerPid ?? process.pid,
      cpuset: e.cpuset,
      cgroupName: e.cgroupName,
      numaPreferred: e.numaPreferred,
      envs: e.envs,
    });
    const child = spawn(e.bin, e.args, { env, stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.stderrTail = [];
    const expected = readyLine(e.stage);
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        child.kill("SIGKILL");
        reject(
          new ProcessorError(
            `${this.label}: no "${expected}" line within ${e.stableWaitMs} ms (${e.bin} ${e.args.join(" ")})`,
          ),
        );
      }, e.stableWaitMs);
      child.on("error", (err) => {
        clearTimeout(timer);
        if (!ready) reject(new ProcessorError(`${this.label}: cannot start ${e.bin}: ${err.message}`));
      });
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
        this.stderrTail.push(line);
        if (this.stderrTail.length > 20) this.stderrTail.shift();
        this.options.log?.(`[${this.label} pid ${child.pid}] ${line}`);
      });
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        if (!ready) {
          if (line.trim() === expected) {
            ready = true;
            clearTimeout(timer);
            resolve();
          } else {
            clearTimeout(timer);
            child.kill("SIGKILL");
            reject(
              new ProcessorError(
                `${this.label}: expected "${expected}" as the first line, got ${JSON.stringify(line.slice(0, 100))}`,
              ),
            );
          }
          return;
        }
        const r = decodeResponseLine(line);
        if ("invalid" in r) {
          this.options.log?.(`[${this.label}] skipped a stdout line: ${r.invalid}`);
          return;
        }
        const p = this.pending.get(r.id);
        if (p === undefined) return;
        this.pending.delete(r.id);
        if (r.ok) p.resolve(r.output);
        else p.reject(new ProcessorError(r.error.startsWith(`${e.stage}`) ? r.error : `${e.stage}: ${r.error}`));
      });
      child.on("exit", (code, sig) => {
        clearTimeout(timer);
        const why = `child process exited: ${e.stage} (${sig ?? `code ${code}`})`;
        if (!ready) {
          const tail = this.stderrTail.slice(-3).join(" | ");
          reject(
            new ProcessorError(
              `${this.label}: exited before it was ready (${sig ?? `code ${code}`})${tail ? `: ${tail}` : ""}`,
            ),
          );
        }
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(new ProcessorError(why));
        }
        if (this.child === child && !this.stopping && ready && e.autoRestart) {
          this.restarts++;
          this.options.log?.(`[${this.label}] ${why}; restarting in ${this.options.restartDelayMs ?? 3000} ms`);
          this.readyPromise = new Promise<void>((res) => setTimeout(res, this.options.restartDelayMs ?? 3000)).then(
            () => {
              if (this.stopping) throw new ProcessorError(`${this.label}: stopped`);
              return this.spawnOnce();
            },
          );
          this.readyPromise.catch((err: Error) => this.options.log?.(`[${this.label}] restart failed: ${err.message}`));
        } else if (this.child === child) {
          this.readyPromise = Promise.reject(new ProcessorError(`${this.label}: ${why}`));
          this.readyPromise.catch(() => {});
        }
      });
    });
  }

  /** Sends one task and resolves with the output; rejects with the child's err_msg or its exit. */
  async send(task: unknown): Promise<unknown> {
    await this.ready();
    const child = this.child;
    if (child === undefined || child.stdin === null || child.exitCode !== null)
      throw new ProcessorError(`child process exited: ${this.entry.stage}`);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.stdin?.write(encodeTaskRequest(id, task), (err) => {
        if (err && this.pending.delete(id))
          reject(new ProcessorError(`${this.entry.stage}: write failed: ${err.message}`));
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.stdin?.end(); // the child exits on stdin EOF ("parent might be out")
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
  }
}
