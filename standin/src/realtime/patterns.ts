/**
 * Text patterns for postgres_changes filters, evaluated in time linear in the text (times the pattern's size),
 * never with JavaScript's backtracking RegExp: a filter is evaluated on every change of a table, so a pattern
 * that backtracks exponentially (`like.%a%a%a%b`, `match.(a+)+$`) would stall the whole process.
 *
 *   compileLike('ab%_z', false)('abXXyz') → true        (LIKE: `%` any run, `_` one character, `\` escapes)
 *   compileRegex('^m.*x$', true)('Matrix') → true       (match/imatch: a POSIX-style regular expression, searched)
 *
 * Both compile at join time, where a pattern that is too long or uses what they do not support is an error the
 * subscriber sees, and return a matcher that never throws.
 */

export type TextMatcher = (text: string) => boolean;
export type CompileResult = { ok: true; match: TextMatcher } | { ok: false; error: string };

/** Patterns longer than this are refused at join time: evaluation cost grows with the pattern's length. */
export const MAX_PATTERN_LENGTH = 256;
/** Regex programs larger than this (after expanding `{n,m}`) are refused: each text character may visit every instruction. */
export const MAX_REGEX_PROGRAM = 1000;

const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

// ── LIKE / ILIKE ───────────────────────────────────────────────────────────────────────────────────────────

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

// ── match / imatch: a small regular-expression engine (Thompson NFA, simulated Pike-style) ────────────────

/** A set of code points: ranges, possibly negated. */
interface CharClass {
  ranges: Array<[number, number]>;
  negate: boolean;
}

type Node =
  | { t: 'class'; cls: CharClass }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number } // max = Infinity for unbounded
  | { t: 'bol' }
  | { t: 'eol' }
  | { t: 'empty' };

type Instr =
  | { op: 'class'; cls: CharClass }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'bol' }
  | { op: 'eol' }
  | { op: 'match' };

class RegexError extends Error {}

const range = (lo: number, hi = lo): [number, number] => [lo, hi];
const DIGIT: Array<[number, number]> = [range(0x30, 0x39)];
const SPACE: Array<[number, number]> = [range(0x09, 0x0d), range(0x20), range(0xa0), range(0x2028, 0x2029)];
const WORD: Array<[number, number]> = [range(0x30, 0x39), range(0x41, 0x5a), range(0x5f), range(0x61, 0x7a), range(0xc0, 0x24f)];
const POSIX_CLASSES: Record<string, Array<[number, number]>> = {
  alpha: [range(0x41, 0x5a), range(0x61, 0x7a), range(0xc0, 0x24f)],
  digit: DIGIT,
  alnum: [range(0x30, 0x39), range(0x41, 0x5a), range(0x61, 0x7a), range(0xc0, 0x24f)],
  upper: [range(0x41, 0x5a), range(0xc0, 0xde)],
  lower: [range(0x61, 0x7a), range(0xdf, 0xff)],
  space: SPACE,
  blank: [range(0x09), range(0x20)],
  punct: [range(0x21, 0x2f), range(0x3a, 0x40), range(0x5b, 0x60), range(0x7b, 0x7e)],
  xdigit: [range(0x30, 0x39), range(0x41, 0x46), range(0x61, 0x66)],
  word: WORD,
  cntrl: [range(0x00, 0x1f), range(0x7f)],
  print: [range(0x20, 0x7e), range(0xa0, 0x10ffff)],
  graph: [range(0x21, 0x7e), range(0xa1, 0x10ffff)],
};
const CLASS_ESCAPES: Record<string, { ranges: Array<[number, number]>; negate: boolean }> = {
  d: { ranges: DIGIT, negate: false },
  D: { ranges: DIGIT, negate: true },
  s: { ranges: SPACE, negate: false },
  S: { ranges: SPACE, negate: true },
  w: { ranges: WORD, negate: false },
  W: { ranges: WORD, negate: true },
};
const CHAR_ESCAPES: Record<string, number> = { n: 0x0a, t: 0x09, r: 0x0d, f: 0x0c, v: 0x0b, a: 0x07, e: 0x1b, b: 0x08 };

/** Recursive descent over ARE-like syntax; anything it does not support is an error, never a guess. */
class Parser {
  i = 0;
  depth = 0;
  constructor(readonly src: number[]) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new RegexError(`unmatched ) at position ${this.i}`);
    return node;
  }

  peek(offset = 0): number | undefined {
    return this.src[this.i + offset];
  }

  alternation(): Node {
    const items = [this.concatenation()];
    while (this.peek() === 0x7c /* | */) {
      this.i++;
      items.push(this.concatenation());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  concatenation(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== 0x7c && this.peek() !== 0x29 /* ) */) items.push(this.quantified());
    return items.length === 0 ? { t: 'empty' } : items.length === 1 ? items[0]! : { t: 'cat', items };
  }

  quantified(): Node {
    let node = this.atom();
    for (;;) {
      const c = this.peek();
      let count: [number, number] | null = null;
      if (c === 0x2a /* * */) count = [0, Infinity];
      else if (c === 0x2b /* + */) count = [1, Infinity];
      else if (c === 0x3f /* ? */) count = [0, 1];
      if (count) this.i++;
      else if (c === 0x7b /* { */) count = this.bound(); // `{` that is not a bound is a literal
      if (!count) return node;
      if (this.peek() === 0x3f) this.i++; // a lazy quantifier matches the same strings
      if (node.t === 'bol' || node.t === 'eol') throw new RegexError('a quantifier cannot follow an anchor');
      node = { t: 'repeat', node, min: count[0], max: count[1] };
    }
  }

  /** Consumes `{n}`, `{n,}` or `{n,m}` at the cursor (PostgreSQL's limit: 255); null, consuming nothing, if `{` starts none. */
  bound(): [number, number] | null {
    const rest = String.fromCodePoint(...this.src.slice(this.i, this.i + 12));
    const m = /^\{(\d{1,3})(,(\d{1,3})?)?\}/.exec(rest);
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === undefined ? Infinity : Number(m[3]);
    if (min > 255 || (max !== Infinity && (max > 255 || max < min))) throw new RegexError(`invalid repetition count ${m[0]}`);
    this.i += m[0].length;
    return [min, max];
  }

  atom(): Node {
    const c = this.src[this.i++]!;
    switch (c) {
      case 0x28 /* ( */: {
        if (this.peek() === 0x3f /* ? */) {
          if (this.peek(1) !== 0x3a /* : */) throw new RegexError('lookaround and other (? groups are not supported');
          this.i += 2;
        }
        if (++this.depth > 32) throw new RegexError('groups nest too deeply');
        const inner = this.alternation();
        this.depth--;
        if (this.src[this.i++] !== 0x29) throw new RegexError('unmatched (');
        return inner;
      }
      case 0x5b /* [ */:
        return { t: 'class', cls: this.bracket() };
      case 0x2e /* . */:
        return { t: 'class', cls: { ranges: [range(0, 0x10ffff)], negate: false } };
      case 0x5e /* ^ */:
        return { t: 'bol' };
      case 0x24 /* $ */:
        return { t: 'eol' };
      case 0x5c /* \ */:
        return this.escape();
      case 0x2a:
      case 0x2b:
      case 0x3f:
        throw new RegexError('a quantifier needs something to repeat');
      default:
        return literal(c);
    }
  }

  escape(): Node {
    const c = this.src[this.i++];
    if (c === undefined) throw new RegexError('the pattern ends with a backslash');
    const ch = String.fromCodePoint(c);
    if (ch === 'A') return { t: 'bol' };
    if (ch === 'Z') return { t: 'eol' };
    const cls = CLASS_ESCAPES[ch];
    if (cls) return { t: 'class', cls: { ranges: cls.ranges, negate: cls.negate } };
    return literal(this.escapedChar(c));
  }

  /** The code point an escape stands for (outside or inside brackets). */
  escapedChar(c: number): number {
    const ch = String.fromCodePoint(c);
    if (ch in CHAR_ESCAPES) return CHAR_ESCAPES[ch]!;
    if (ch === 'x' || ch === 'u' || ch === 'U') {
      const digits = ch === 'x' ? 2 : ch === 'u' ? 4 : 8;
      const hex = String.fromCodePoint(...this.src.slice(this.i, this.i + digits));
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) throw new RegexError(`\\${ch} needs ${digits} hex digits`);
      this.i += digits;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new RegexError(`\\${ch}${hex} is not a character`);
      return cp;
    }
    if (/[0-9]/.test(ch)) throw new RegexError('back references are not supported');
    if (/[A-Za-z]/.test(ch)) throw new RegexError(`the escape \\${ch} is not supported`);
    return c; // an escaped punctuation character stands for itself
  }

  bracket(): CharClass {
    const cls: CharClass = { ranges: [], negate: false };
    if (this.peek() === 0x5e /* ^ */) {
      cls.negate = true;
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = this.src[this.i++];
      if (c === undefined) throw new RegexError('unmatched [');
      if (c === 0x5d /* ] */ && !first) return cls;
      first = false;
      if (c === 0x5b /* [ */ && this.peek() === 0x3a /* : */) {
        const end = this.src.indexOf(0x3a, this.i + 1);
        if (end < 0 || this.src[end + 1] !== 0x5d) throw new RegexError('unterminated [: :] class');
        const name = String.fromCodePoint(...this.src.slice(this.i + 1, end));
        const ranges = POSIX_CLASSES[name];
        if (!ranges) throw new RegexError(`unknown character class [:${name}:]`);
        cls.ranges.push(...ranges);
        this.i = end + 2;
        continue;
      }
      if (c === 0x5b && (this.peek() === 0x2e || this.peek() === 0x3d)) throw new RegexError('collating elements are not supported');
      let lo = c;
      if (c === 0x5c /* \ */) {
        const e = this.src[this.i++];
        if (e === undefined) throw new RegexError('unmatched [');
        const escaped = CLASS_ESCAPES[String.fromCodePoint(e)];
        if (escaped) {
          if (escaped.negate) throw new RegexError('negated class escapes are not supported inside brackets');
          cls.ranges.push(...escaped.ranges);
          continue;
        }
        lo = this.escapedChar(e);
      }
      if (this.peek() === 0x2d /* - */ && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.i++;
        let hi = this.src[this.i++]!;
        if (hi === 0x5c) hi = this.escapedChar(this.src[this.i++] ?? 0);
        if (hi < lo) throw new RegexError('invalid range in brackets');
        cls.ranges.push(range(lo, hi));
      } else {
        cls.ranges.push(range(lo));
      }
    }
  }
}

function literal(cp: number): Node {
  return { t: 'class', cls: { ranges: [range(cp)], negate: false } };
}

class Compiler {
  readonly prog: Instr[] = [];

  emit(instr: Instr): number {
    if (this.prog.length >= MAX_REGEX_PROGRAM) throw new RegexError(`the pattern is too complex (more than ${MAX_REGEX_PROGRAM} steps)`);
    this.prog.push(instr);
    return this.prog.length - 1;
  }

  /** Emits a split whose targets are patched later. */
  split(): { x: number; y: number } {
    return this.prog[this.emit({ op: 'split', x: 0, y: 0 })] as { x: number; y: number };
  }

  node(n: Node): void {
    if (n.t === 'class') this.emit({ op: 'class', cls: n.cls });
    else if (n.t === 'bol' || n.t === 'eol') this.emit({ op: n.t });
    else if (n.t === 'cat') for (const item of n.items) this.node(item);
    else if (n.t === 'alt') this.alternation(n.items);
    else if (n.t === 'repeat') this.repeat(n.node, n.min, n.max);
  }

  /** split L1, L2; L1: first; jmp end; L2: split … ; last; end: */
  alternation(items: Node[]): void {
    const jumps: Array<{ x: number }> = [];
    items.forEach((item, k) => {
      if (k === items.length - 1) return this.node(item);
      const split = this.split();
      split.x = this.prog.length;
      this.node(item);
      jumps.push(this.prog[this.emit({ op: 'jmp', x: 0 })] as { x: number });
      split.y = this.prog.length;
    });
    for (const j of jumps) j.x = this.prog.length;
  }

  repeat(body: Node, min: number, max: number): void {
    for (let k = 0; k < min; k++) this.node(body);
    if (max === Infinity) {
      // L: split body, end; body; jmp L; end:
      const at = this.prog.length;
      const split = this.split();
      split.x = this.prog.length;
      this.node(body);
      this.emit({ op: 'jmp', x: at });
      split.y = this.prog.length;
      return;
    }
    // optional copies, each able to skip to the end: (x(x(x)?)?)?
    const splits: Array<{ x: number; y: number }> = [];
    for (let k = min; k < max; k++) {
      const split = this.split();
      split.x = this.prog.length;
      splits.push(split);
      this.node(body);
    }
    for (const s of splits) s.y = this.prog.length;
  }
}

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
function pikeSearch(prog: readonly Instr[], text: readonly number[], caseInsensitive: boolean): boolean {
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

export function compileRegex(pattern: string, caseInsensitive: boolean): CompileResult {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, error: `match patterns are limited to ${MAX_PATTERN_LENGTH} characters` };
  try {
    const ast = new Parser(codePoints(pattern)).parse();
    const compiler = new Compiler();
    compiler.node(ast);
    compiler.emit({ op: 'match' });
    const prog = compiler.prog;
    return { ok: true, match: (text) => pikeSearch(prog, codePoints(text), caseInsensitive) };
  } catch (error) {
    if (error instanceof RegexError) return { ok: false, error: `invalid regular expression: ${error.message}` };
    throw error;
  }
}
