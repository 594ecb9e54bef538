// A CliIo that keeps what a command prints, line by line, for tests that run commands in-process.
import type { CliIo } from "../../agent/cli/command.js";

export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}
