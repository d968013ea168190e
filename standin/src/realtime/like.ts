/**
 * LIKE / ILIKE for postgres_changes filters: `%` any run, `_` one character, `\` escapes the next one;
 * matched over code points, in time linear in the text (times the pattern's size) at worst.
 *
 *   compileLike('ab%_z', false)  → { ok: true, match }       match('abXXyz') → true
 *   compileLike('abc\\', false)  → { ok: false, error: 'LIKE pattern must not end with escape character' }
 */
import { codePoints, MAX_PATTERN_LENGTH, type CompileResult } from './patterns-shared.ts';

const ANY_RUN = -1; // %
const ANY_ONE = -2; // _

export function compileLike(pattern: string, caseInsensitive: boolean): CompileResult {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, error: `like patterns are limited to ${MAX_PATTERN_LENGTH} characters` };
  // ILIKE compares lower-cased text with a lower-cased pattern, as PostgreSQL does for multibyte encodings
  const source = codePoints(caseInsensitive ? pattern.toLowerCase() : pattern);
  const tokens: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const cp = source[i]!;
    if (cp === 0x5c /* \ */) {
      if (i + 1 >= source.length) return { ok: false, error: 'LIKE pattern must not end with escape character' };
      tokens.push(source[++i]!);
    } else if (cp === 0x25 /* % */) {
      if (tokens[tokens.length - 1] !== ANY_RUN) tokens.push(ANY_RUN); // %% is %
    } else if (cp === 0x5f /* _ */) {
      tokens.push(ANY_ONE);
    } else {
      tokens.push(cp);
    }
  }
  const program = Int32Array.from(tokens);
  return { ok: true, match: (text) => likeMatch(program, codePoints(caseInsensitive ? text.toLowerCase() : text)) };
}

/**
 * Greedy wildcard matching with one backtrack point: on a mismatch, only the most recent `%` is retried one
 * character further on (an earlier `%` can never need to absorb more, since the later one can take it instead),
 * so the cost is O(text × pattern) at worst and linear in practice.
 */
export function likeMatch(tokens: Int32Array, text: readonly number[]): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const tok = p < tokens.length ? tokens[p]! : null;
    if (tok === ANY_RUN) {
      starP = p++;
      starT = t;
    } else if (tok !== null && (tok === ANY_ONE || tok === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < tokens.length && tokens[p] === ANY_RUN) p++;
  return p === tokens.length;
}
