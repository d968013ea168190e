/**
 * The syntax of match/imatch patterns: a POSIX-style (ARE-like) regular expression parsed into a small tree of
 * character classes, concatenation, alternation, bounded or unbounded repetition and anchors. No capture, no
 * back references, no lookaround: what the tree cannot express is refused with a RegexError, never guessed.
 *
 *   parseRegex(codePoints('^a|\\d+'))
 *   → { t: 'alt', items: [{ t: 'cat', items: [{ t: 'bol' }, ‹class a›] }, { t: 'repeat', node: ‹class 0-9›, min: 1, max: Infinity }] }
 */

/** A set of code points: ranges, possibly negated. */
export interface CharClass {
  ranges: Array<[number, number]>;
  negate: boolean;
}

export type Node =
  | { t: 'class'; cls: CharClass }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number } // max = Infinity for unbounded
  | { t: 'bol' }
  | { t: 'eol' }
  | { t: 'empty' };

/** A pattern the engine refuses; compileRegex turns it into the subscriber's error. */
export class RegexError extends Error {}

export const range = (lo: number, hi = lo): [number, number] => [lo, hi];
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

/** Parses a pattern (as code points) into its syntax tree; throws RegexError for what it does not support. */
export function parseRegex(src: number[]): Node {
  return new Parser(src).parse();
}

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
