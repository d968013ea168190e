import { describe, expect, test } from 'vitest';
import { MAX_PATTERN_LENGTH, type TextMatcher } from './patterns-shared.ts';
import { compileRegex } from './regex.ts';

const regex = (pattern: string, ci = false): TextMatcher => {
  const r = compileRegex(pattern, ci);
  if (!r.ok) throw new Error(r.error);
  return r.match;
};

describe('match / imatch', () => {
  test('agrees with JavaScript regular expressions on the syntax both share', () => {
    const patterns = ['^a.c$', 'b+', '^(ab|cd)*$', 'a{2,3}', '^a{2}$', 'x?y', '[a-c]+z', '[^abc]', '^$', 'a|^b', '(a|ab)(c|bcd)(d*)', '\\d+', '\\s', '\\w+\\.', 'colou?r', '^(a*)*$', '(a*)+b', '\\.', 'a{0,}', '[a-]', 'é'];
    const texts = ['', 'abc', 'aXc', 'abbbb', 'ababcd', 'abcdab', 'aa', 'aaaa', 'y', 'xy', 'cz', 'abcz', 'd', 'b', 'abcd', '123', 'a b', 'foo.', 'color', 'colour', 'aaab', ']', '-', 'café'];
    for (const p of patterns) {
      const js = new RegExp(p, 'u');
      for (const t of texts) expect(regex(p)(t), `${p} ~ ${JSON.stringify(t)}`).toBe(js.test(t));
    }
  });

  test('imatch ignores case; POSIX classes and anchors', () => {
    expect(regex('^m.*X$', true)('Matrix')).toBe(true);
    expect(regex('^m.*X$')('Matrix')).toBe(false);
    expect(regex('[^a]', true)('A')).toBe(false);
    expect(regex('[[:digit:]]{3}')('ab123')).toBe(true);
    expect(regex('^[[:alpha:]]+$')('abc1')).toBe(false);
    expect(regex('\\Aab\\Z')('ab')).toBe(true);
    expect(regex('[]a]')(']')).toBe(true); // POSIX: a ] first in brackets is a member
    expect(regex('a{,2}')('a{,2}')).toBe(true); // a { that starts no bound is a literal
  });

  test('exponential-backtracking patterns on a 4,096-character text are answered', () => {
    const text = `${'a'.repeat(4096)}!`;
    expect(regex('^(a+)+$')(text)).toBe(false);
    expect(regex('^(a|a)*$')(text)).toBe(false);
    expect(regex('(a|aa)+b')(text)).toBe(false);
    expect(regex('(.*a){12}!')(text)).toBe(true);
  });

  test('what the engine does not support is refused with a clear error, never guessed', () => {
    for (const bad of ['(a', 'a)', '[abc', '*a', 'a{3,2}', 'a{256}', '(?=a)', '(a)\\1', '\\y', '[[:nope:]]', 'a\\']) {
      const r = compileRegex(bad, false);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^invalid regular expression: /);
    }
    expect(compileRegex('(a{255}){255}', false)).toMatchObject({ ok: false, error: expect.stringMatching(/too complex/) });
    expect(compileRegex('a'.repeat(MAX_PATTERN_LENGTH + 1), false)).toMatchObject({ ok: false });
  });
});
