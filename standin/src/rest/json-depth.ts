/**
 * The JSON nesting the stand-in accepts in a request body. lite, postgres.js and JSON.stringify recurse per level
 * and overflow the stack a few thousand levels down (a RangeError, a 500); a body nested past this is refused as
 * the caller's fault instead (REST: PGRST102, Auth: Go's "exceeded max depth"). No client data nests this deep.
 */
export const MAX_JSON_DEPTH = 1_000;

/** The bracket that opens level `max + 1`, if `text` nests that deep (string contents skipped), else null. */
export function bracketPastDepth(text: string, max = MAX_JSON_DEPTH): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return text[i]!;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return null;
}
