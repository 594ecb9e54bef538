// What every plan's transition table is and the one way it is read: damocles' `plan!` (state → { event → next
// state }), where any pair not listed is `unexpected event … for state …`. Each plan file holds only its data.

export type TransitionTable<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

export type Transition<S> = { ok: true; next: S } | { ok: false; error: string };

/** Where `event` leads from `state` in `table`, or the rejection naming both. */
export function nextState<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  state: S,
  event: E,
): Transition<S> {
  const next = table[state][event];
  if (next === undefined) return { ok: false, error: `unexpected event ${event} for state ${state}` };
  return { ok: true, next };
}

/** Whether a wire name (from a record, a resume request) is one of a plan's states. */
export function isStateOf<S extends string>(states: readonly S[], s: string): s is S {
  return (states as readonly string[]).includes(s);
}
