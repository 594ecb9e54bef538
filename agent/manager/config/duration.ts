// Duration strings ("250ms", "30s", "5m", "1h") are parsed once, here, at the config edge.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
export const DURATION_PATTERN = "^[0-9]+(ms|s|m|h)$";

export function parseDurationMs(text: string): number {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(text);
  const unit = m?.[2] === undefined ? undefined : UNITS[m[2]];
  if (m === null || unit === undefined)
    throw new RangeError(`expected a duration like "500ms" or "30s", got ${JSON.stringify(text)}`);
  return Number(m[1]) * unit;
}
