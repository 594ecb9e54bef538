// A long-running process must not die because its log cannot be written (issue 15: stderr on a full disk killed the
// manager without a word). A write error on stdout or stderr (ENOSPC, EPIPE, EIO) is counted and otherwise ignored;
// the first one is announced once on the other stream, in case that one still works.
export interface StdioGuard {
  /** Writes lost per stream since the guard was installed. */
  lost: { stdout: number; stderr: number };
}

let installed: StdioGuard | undefined;

export function guardStdio(): StdioGuard {
  if (installed !== undefined) return installed;
  const guard: StdioGuard = { lost: { stdout: 0, stderr: 0 } };
  const watch = (name: "stdout" | "stderr", stream: NodeJS.WriteStream, other: NodeJS.WriteStream) => {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      guard.lost[name]++;
      if (guard.lost[name] === 1)
        try {
          other.write(`sealfarm: cannot write to ${name} (${error.code ?? error.message}); carrying on without it\n`);
        } catch {
          // Both streams are gone: nothing left to tell.
        }
    });
  };
  watch("stdout", process.stdout, process.stderr);
  watch("stderr", process.stderr, process.stdout);
  installed = guard;
  return guard;
}
