/**
 * What the two text-pattern engines (like.ts, regex.ts) share: the matcher they compile to, the join-time
 * result, the length limit, and the code-point view of a string they both match over.
 */

export type TextMatcher = (text: string) => boolean;
export type CompileResult = { ok: true; match: TextMatcher } | { ok: false; error: string };

/** Patterns longer than this are refused at join time: evaluation cost grows with the pattern's length. */
export const MAX_PATTERN_LENGTH = 256;

/** A string as its code points: `_` and `.` match one character, not one UTF-16 unit. */
export const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);
