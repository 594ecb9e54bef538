// Long-running commands (`manager run`, `worker run`) stop on SIGINT or SIGTERM, the signals a terminal and
// systemd send, and then shut down cleanly.

/** Resolves on the first SIGINT or SIGTERM, and removes both listeners. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
