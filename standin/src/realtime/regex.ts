/**
 * match / imatch (PostgreSQL's `~` / `~*`) for postgres_changes filters: a small regular-expression engine that
 * parses (regex-parser.ts), compiles to a Thompson NFA (regex-compiler.ts) and searches Pike-style
 * (regex-pike.ts), in time linear in the text times the program's size.
 *
 *   compileRegex('^m.*x$', true)  → { ok: true, match }       match('Matrix') → true
 *   compileRegex('(a)\\1', false) → { ok: false, error: 'invalid regular expression: back references are not supported' }
 */
import { codePoints, MAX_PATTERN_LENGTH, type CompileResult } from './patterns-shared.ts';
import { compileProgram } from './regex-compiler.ts';
import { parseRegex, RegexError } from './regex-parser.ts';
import { pikeSearch } from './regex-pike.ts';

export { MAX_REGEX_PROGRAM } from './regex-compiler.ts';

export function compileRegex(pattern: string, caseInsensitive: boolean): CompileResult {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, error: `match patterns are limited to ${MAX_PATTERN_LENGTH} characters` };
  try {
    const prog = compileProgram(parseRegex(codePoints(pattern)));
    return { ok: true, match: (text) => pikeSearch(prog, codePoints(text), caseInsensitive) };
  } catch (error) {
    if (error instanceof RegexError) return { ok: false, error: `invalid regular expression: ${error.message}` };
    throw error;
  }
}
