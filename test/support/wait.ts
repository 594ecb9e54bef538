// Waiting in tests. A test waits only for a state that stays once reached (a file that exists, a record in a
// history, a count that only grows, a thread that is Paused until resumed), never for one that can be passed
// through; the timeout is a guard against a hang, not a measure of speed, so it is generous.

/** Polls until `check` returns a value (not undefined), or fails naming `what` after the hang guard; a check that
 * costs a process (systemctl, say) polls less often with a longer `intervalMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 120_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
