import { describe, expect, test } from 'vitest';
import { compileLike } from './like.ts';
import { MAX_PATTERN_LENGTH, type TextMatcher } from './patterns-shared.ts';

const like = (pattern: string, ci = false): TextMatcher => {
  const r = compileLike(pattern, ci);
  if (!r.ok) throw new Error(r.error);
  return r.match;
};

/** Reference LIKE semantics by dynamic programming over code points: obviously right, and slow. */
function likeReference(pattern: string, text: string): boolean {
  const p: Array<{ any?: true; one?: true; ch?: string }> = [];
  const src = [...pattern];
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\') p.push({ ch: src[++i] });
    else if (src[i] === '%') p.push({ any: true });
    else if (src[i] === '_') p.push({ one: true });
    else p.push({ ch: src[i] });
  }
  const t = [...text];
  let row = new Array<boolean>(t.length + 1).fill(false);
  row[0] = true;
  for (const tok of p) {
    const next = new Array<boolean>(t.length + 1).fill(false);
    for (let j = 0; j <= t.length; j++) {
      if (tok.any) next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else if (j > 0) next[j] = row[j - 1]! && (tok.one === true || tok.ch === t[j - 1]);
    }
    row = next;
  }
  return row[t.length]!;
}

/** A small deterministic PRNG, so the generated cases are the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe('LIKE', () => {
  test('wildcards, escapes, anchoring, code points', () => {
    expect(like('ab%_z')('abXXyz')).toBe(true);
    expect(like('ab%_z')('abz')).toBe(false);
    expect(like('%an%')('Banana')).toBe(true);
    expect(like('b%')('Banana')).toBe(false);
    expect(like('b%', true)('Banana')).toBe(true);
    expect(like('100\\%')('100%')).toBe(true);
    expect(like('100\\%')('1000')).toBe(false);
    expect(like('a\\_b')('a_b')).toBe(true);
    expect(like('a\\_b')('axb')).toBe(false);
    expect(like('%')('')).toBe(true);
    expect(like('_')('')).toBe(false);
    expect(like('_')('✓')).toBe(true); // one character, not one UTF-16 unit
    expect(like('_')('😀')).toBe(true);
    expect(like('a%%b')('ab')).toBe(true);
    expect(like('.*')('anything')).toBe(false); // no regular-expression meaning
    expect(like('ÉCOLE', true)('école')).toBe(true);
  });

  test('agrees with a reference matcher on thousands of generated cases', () => {
    const next = rng(42);
    const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      let pattern = pick('ab%_\\', Math.floor(next() * 8));
      if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) pattern += 'a'; // a trailing lone escape is an error, tested below
      const text = pick('ab', Math.floor(next() * 10));
      expect(like(pattern)(text), `${pattern} ~ ${text}`).toBe(likeReference(pattern, text));
    }
  });

  test('adversarial patterns on a 4,096-character text are answered (a backtracking matcher never returns)', () => {
    const text = 'a'.repeat(4096);
    expect(like('%a%a%a%a%a%a%a%a%a%a%a%a%b')(text)).toBe(false);
    expect(like(`${'%a'.repeat(100)}%b`)(text)).toBe(false);
    expect(like(`${'%a'.repeat(100)}%`)(text)).toBe(true);
    expect(like(`%${'_'.repeat(200)}b`)(text)).toBe(false);
  });

  test('a trailing escape and an over-long pattern are refused at compile time', () => {
    expect(compileLike('abc\\', false)).toEqual({ ok: false, error: 'LIKE pattern must not end with escape character' });
    expect(compileLike('%'.repeat(MAX_PATTERN_LENGTH + 1), false)).toMatchObject({ ok: false });
  });
});
