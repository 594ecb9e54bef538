// Deterministic output: object keys sorted at every level, so a rendered file never changes because a code path
// built the object in another order. Arrays keep their order (it is meaningful: threads, processors).

export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out as T;
  }
  return value;
}
