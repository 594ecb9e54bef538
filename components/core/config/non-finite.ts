// TOML and YAML can spell numbers no setting can take (`inf`, `nan`, `.inf`, `1e400`). A schema's "integer" or
// "number" lets some of them through (ajv's maximum has no bound by default), so each loader refuses them by
// key before anything else looks at the values. Pure.

/** JSON pointers of every non-finite number (and of every number beyond ±2^53, which cannot be counted). */
export function nonFiniteNumbers(value: unknown, pointer = "", seen = new Set<object>()): string[] {
  if (typeof value === "number")
    return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? [] : [pointer];
  if (typeof value === "bigint")
    return value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER) ? [pointer] : [];
  if (value === null || typeof value !== "object" || value instanceof Date) return [];
  // A YAML alias can make a value contain itself: each object is walked once.
  if (seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  for (const [k, v] of Object.entries(value))
    out.push(...nonFiniteNumbers(v, `${pointer}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`, seen));
  return out;
}
