/**
 * Runs a compiled regex program (regex-compiler.ts) over a text in one pass, Pike-style: all threads advance
 * together, one text character at a time, so no pattern can make it backtrack.
 */
import type { Instr } from './regex-compiler.ts';
import type { CharClass } from './regex-parser.ts';

function inRanges(ranges: ReadonlyArray<[number, number]>, cp: number): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** A text character with its other-case forms (imatch): a class matches if any of them is in it. */
function caseVariants(text: readonly number[]): Array<readonly number[]> {
  return text.map((cp) => {
    const ch = String.fromCodePoint(cp);
    const forms = new Set([cp]);
    for (const other of [ch.toLowerCase(), ch.toUpperCase()]) if ([...other].length === 1) forms.add(other.codePointAt(0)!);
    return [...forms];
  });
}

/**
 * Searches (unanchored, as PostgreSQL's `~`) by advancing every live thread one character at a time; a
 * program counter is visited at most once per position, so the cost is O(text × program).
 */
export function pikeSearch(prog: readonly Instr[], text: readonly number[], caseInsensitive: boolean): boolean {
  const variants = caseInsensitive ? caseVariants(text) : null;
  const seen = new Int32Array(prog.length).fill(-1);
  let current: number[] = [];
  let next: number[] = [];
  const stack: number[] = [];
  /** Adds the threads reachable from `start` at position `pos` without consuming input; true when one matches. */
  const add = (list: number[], start: number, pos: number): boolean => {
    stack.push(start);
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (seen[pc] === pos) continue;
      seen[pc] = pos;
      const instr = prog[pc]!;
      if (instr.op === 'match') {
        stack.length = 0;
        return true;
      }
      if (instr.op === 'jmp') stack.push(instr.x);
      else if (instr.op === 'split') stack.push(instr.y, instr.x);
      else if (instr.op === 'bol') {
        if (pos === 0) stack.push(pc + 1);
      } else if (instr.op === 'eol') {
        if (pos === text.length) stack.push(pc + 1);
      } else list.push(pc);
    }
    return false;
  };
  for (let pos = 0; pos <= text.length; pos++) {
    if (add(current, 0, pos)) return true; // a match may start anywhere
    if (pos === text.length) break;
    const forms = variants ? variants[pos]! : [text[pos]!];
    next.length = 0;
    for (const pc of current) {
      const { cls } = prog[pc] as { cls: CharClass };
      const hit = forms.some((cp) => inRanges(cls.ranges, cp)) !== cls.negate;
      if (hit && add(next, pc + 1, pos + 1)) return true;
    }
    [current, next] = [next, current];
  }
  return false;
}
