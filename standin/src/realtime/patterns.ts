/**
 * Text patterns for postgres_changes filters, evaluated in time linear in the text (times the pattern's size),
 * never with JavaScript's backtracking RegExp: a filter is evaluated on every change of a table, so a pattern
 * that backtracks exponentially (`like.%a%a%a%b`, `match.(a+)+$`) would stall the whole process.
 *
 *   compileLike('ab%_z', false)('abXXyz') → true        (like.ts — LIKE: `%` any run, `_` one character, `\` escapes)
 *   compileRegex('^m.*x$', true)('Matrix') → true       (regex.ts — match/imatch: a POSIX-style regular expression, searched)
 *
 * Both compile at join time, where a pattern that is too long or uses what they do not support is an error the
 * subscriber sees, and return a matcher that never throws. This module is their one entry point;
 * patterns-shared.ts holds what they share.
 */

export { compileLike } from './like.ts';
export { MAX_PATTERN_LENGTH, type CompileResult, type TextMatcher } from './patterns-shared.ts';
export { compileRegex, MAX_REGEX_PROGRAM } from './regex.ts';
