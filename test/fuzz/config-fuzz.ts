// A small seeded mutator for config-file fuzz tests: every input either loads or is refused with an error naming
// the file; nothing else (a TypeError, a RangeError, a stack trace) may escape a loader. Each run uses a fixed seed
// and one random seed; a failure prints the seed and the input so it can be replayed with FUZZ_SEED.
import { seededRandom } from "../support/seeded-random.js";

/** Values that broke loaders before, or are at the edge of what each type may hold. */
const NASTY = [
  "0",
  "-1",
  "1e308",
  "-1e308",
  "inf",
  "-inf",
  "nan",
  ".inf",
  ".nan",
  "9007199254740993",
  "0x7fffffff",
  '""',
  '"0s"',
  '"../x"',
  '"/../../etc"',
  '"10.0.0.0/40"',
  '"abc"',
  '"127.0.0.1:99999"',
  "[]",
  "{}",
  "true",
  "null",
  "~",
  '"\\u0000"',
  '"a\\nb"',
  "&a [*a]",
  "*a",
  "[[[[[[[[]]]]]]]]",
  '"1e308GiB"',
  '"99999999999999h"',
  '"-5s"',
];
const JUNK = ["=", "[", "]", "{", "}", ":", "- ", "#", '"', "'", "\n", ",", "&x", "*x", "!!", "\t", "\\"];

/** One mutation of `text`: replace a value, drop or duplicate a line, insert junk, or cut the text. */
export function mutate(text: string, next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const lines = text.split("\n");
  const i = Math.floor(next() * lines.length);
  const line = lines[i] ?? "";
  switch (Math.floor(next() * 6)) {
    case 0: {
      // replace the value after `=` or `:`
      const m = /^(\s*-?\s*[^=:#]+[=:]\s*)/.exec(line);
      if (m !== null) lines[i] = `${m[1]}${pick(NASTY)}`;
      break;
    }
    case 1:
      lines.splice(i, 1);
      break;
    case 2:
      lines.splice(i, 0, line);
      break;
    case 3: {
      const at = Math.floor(next() * (line.length + 1));
      lines[i] = `${line.slice(0, at)}${pick(JUNK)}${line.slice(at)}`;
      break;
    }
    case 4:
      return text.slice(0, Math.floor(next() * text.length));
    default: {
      const m = /^(\s*-?\s*[^=:#]+[=:]\s*)/.exec(line);
      if (m !== null) lines[i] = `${m[1]}${pick(NASTY)}`;
      const j = Math.floor(next() * lines.length);
      lines.splice(j, 0, lines[Math.floor(next() * lines.length)] ?? "");
    }
  }
  return lines.join("\n");
}

export interface FuzzOptions {
  /** The seed files to mutate. */
  corpus: readonly string[];
  /** Loads one input; returns normally, or throws the loader's config error. */
  load(text: string): unknown;
  /** The loader's config error: its message must name the file (checked by the caller's predicate). */
  isConfigError(e: unknown): boolean;
  /** The file name every error message must contain. */
  file: string;
  /** Inputs per seed (bounded so CI time is bounded). */
  count?: number;
}

/** Runs the fixed seed and one random seed (or FUZZ_SEED alone). Returns how many loaded and how many were refused. */
export function fuzzConfig(o: FuzzOptions): { loaded: number; refused: number } {
  const seeds = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [1515, Math.floor(Math.random() * 2 ** 31)];
  const count = o.count ?? Number(process.env.FUZZ_COUNT ?? 300);
  let loaded = 0;
  let refused = 0;
  for (const seed of seeds) {
    const next = seededRandom(seed);
    for (let n = 0; n < count; n++) {
      let text = o.corpus[Math.floor(next() * o.corpus.length)] ?? "";
      const rounds = 1 + Math.floor(next() * 3);
      for (let r = 0; r < rounds; r++) text = mutate(text, next);
      try {
        o.load(text);
        loaded++;
      } catch (e) {
        const named = e instanceof Error && e.message.split("\n").every((l) => l.includes(o.file));
        if (!o.isConfigError(e) || !named)
          throw new Error(
            `fuzz seed ${seed} (replay: FUZZ_SEED=${seed}), input ${n}: ${o.isConfigError(e) ? "an error line does not name the file" : "not a config error"}:\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n--- input ---\n${text}`,
          );
        refused++;
      }
    }
  }
  return { loaded, refused };
}
