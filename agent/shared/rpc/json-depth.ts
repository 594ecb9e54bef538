// A streaming scan of raw JSON bytes for nesting depth, run before JSON.parse ever sees a body: a deeply nested
// request (the 800 KB `[[[[…` in /jsonrpc of issue 15) is refused on the byte that opens one level too many,
// without building anything. It does not validate JSON; JSON.parse does that once the depth is known to be small.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_SQUARE = 0x5b;
const OPEN_CURLY = 0x7b;
const CLOSE_SQUARE = 0x5d;
const CLOSE_CURLY = 0x7d;

/** Default nesting limit for RPC bodies: Venus params nest 6 levels at most (damocles-manager core/types.go). */
export const DEFAULT_MAX_JSON_DEPTH = 32;

export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Set once the limit was passed; the scanner then stays exceeded. */
  exceeded = false;

  constructor(readonly maxDepth: number = DEFAULT_MAX_JSON_DEPTH) {}

  /** Scans the next bytes; returns false once the nesting went deeper than maxDepth. Strings may span chunks. */
  feed(bytes: Uint8Array): boolean {
    if (this.exceeded) return false;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
      } else if (b === QUOTE) this.inString = true;
      else if (b === OPEN_SQUARE || b === OPEN_CURLY) {
        if (++this.depth > this.maxDepth) {
          this.exceeded = true;
          return false;
        }
      } else if (b === CLOSE_SQUARE || b === CLOSE_CURLY) this.depth = Math.max(0, this.depth - 1);
    }
    return true;
  }
}

/** True when `text` nests no deeper than maxDepth (objects and arrays; strings are skipped). */
export function withinJsonDepth(text: string | Uint8Array, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): boolean {
  return new JsonDepthScanner(maxDepth).feed(typeof text === "string" ? Buffer.from(text, "utf8") : text);
}
