// The one duration grammar, for every config file (worker TOML, manager TOML) and the command line: humantime's
// (damocles-worker parses its durations with the `humantime` crate): one or more `<number><unit>` parts, spaces
// allowed between and inside them, "30s", "5min", "1h 30m", "1h30m", "500ms", "1.5s". Parsed once, at the edge,
// into milliseconds. `durationPattern` is the same grammar as a JSON Schema pattern; both schemas use it.

/** humantime's unit suffixes, in milliseconds. */
const durationUnitsMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  nsec: 1e-6,
  us: 1e-3,
  usec: 1e-3,
  ms: 1,
  msec: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

// Longest unit first, so the alternation reads as the parser does (a unit is the whole run of letters).
const unitAlternation = Object.keys(durationUnitsMs)
  .sort((a, b) => b.length - a.length || a.localeCompare(b))
  .join("|");

/** The grammar as a JSON Schema `pattern` (schemas/*.schema.json `$defs.duration`; a test keeps them equal). */
export const durationPattern = `^\\s*([0-9]+(\\.[0-9]+)?\\s*(${unitAlternation})\\s*)+$`;

/** What a config error says was expected. */
export const durationExpectation = 'a duration like "30s", "5min" or "1h 30m"';

/** Parses "30s", "5min", "1h 30m", "500ms" into milliseconds; throws naming what was expected. */
export function parseDurationMs(text: string): number {
  const bad = () => new Error(`expected ${durationExpectation}, got ${JSON.stringify(text)}`);
  const trimmed = text.trim();
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let total = 0;
  let pos = 0;
  while (pos < trimmed.length) {
    part.lastIndex = pos;
    const m = part.exec(trimmed);
    const unit = m?.[2] === undefined ? undefined : durationUnitsMs[m[2]];
    if (m === null || unit === undefined) throw bad();
    total += Number(m[1]) * unit;
    pos = part.lastIndex;
  }
  if (pos === 0) throw bad();
  return total;
}

/** The longest duration a timer can wait (node's setTimeout: 2^31-1 ms, about 24.8 days); config keys that set a
 * timer refuse more. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Formats milliseconds the short way for logs and tables: 850ms, 12.3s, 4m05s, 1h02m. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
