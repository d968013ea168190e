import { describe, expect, test } from 'vitest';
import { compilePattern, matches, parseFilter, type Condition } from './filters.ts';
import type { TextMatcher } from './patterns.ts';

describe('parseFilter', () => {
  test('one condition, several, negation, in-lists with quotes', () => {
    expect(parseFilter('id=eq.5')).toEqual({ ok: true, conditions: [{ column: 'id', op: 'eq', negate: false, raw: '5' }] });
    expect(parseFilter('id=gt.0,id=lt.100')).toMatchObject({ ok: true, conditions: [{ op: 'gt', raw: '0' }, { op: 'lt', raw: '100' }] });
    expect(parseFilter('status=not.in.(read,"a,b",x)')).toEqual({
      ok: true,
      conditions: [{ column: 'status', op: 'in', negate: true, raw: ['read', 'a,b', 'x'] }],
    });
    expect(parseFilter('email=eq.a.b@c.d')).toMatchObject({ conditions: [{ raw: 'a.b@c.d' }] });
    expect(parseFilter('name=eq."x\\"y"')).toMatchObject({ conditions: [{ raw: 'x"y' }] });
    expect(parseFilter('deleted_at=is.NULL')).toMatchObject({ conditions: [{ op: 'is', raw: 'null' }] });
  });

  test('empty filters mean no filter', () => {
    expect(parseFilter('')).toEqual({ ok: true, conditions: [] });
    expect(parseFilter('   ')).toEqual({ ok: true, conditions: [] });
    expect(parseFilter(undefined)).toEqual({ ok: true, conditions: [] });
  });

  test('malformed filters are errors, not crashes', () => {
    for (const bad of ['id', 'id=5', 'id=foo.5', 'id=in.1,2', 'id=in.(1,2', 'id=is.maybe', '=eq.1', 'a=eq."open']) {
      expect(parseFilter(bad).ok, bad).toBe(false);
    }
    expect(parseFilter(`id=in.(${Array.from({ length: 101 }, (_, i) => i).join(',')})`).ok).toBe(false);
    expect(parseFilter(`id=in.(${Array.from({ length: 100 }, (_, i) => i).join(',')})`).ok).toBe(true);
  });

  test('a filter that is not a string, or longer than the limit, is refused with a clear error', () => {
    expect(parseFilter(5)).toEqual({ ok: false, error: 'Error parsing `filter` params: the filter must be a string' });
    expect(parseFilter({ toString: 1 })).toMatchObject({ ok: false });
    expect(parseFilter(`body=like.${'%a'.repeat(5000)}`)).toEqual({ ok: false, error: 'Error parsing `filter` params: filters are limited to 8192 characters' });
  });
});

const cond = (c: Partial<Condition> & Pick<Condition, 'op' | 'value'>): Condition => ({ column: 'v', negate: false, kind: 'number', ...c });
const pattern = (op: 'like' | 'ilike' | 'match' | 'imatch', raw: string): TextMatcher => {
  const compiled = compilePattern(op, raw);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.match;
};

describe('matches', () => {
  test('comparisons by kind', () => {
    expect(matches([cond({ op: 'gt', value: 5 })], { v: 10 })).toBe(true);
    expect(matches([cond({ op: 'lte', value: 5 })], { v: 10 })).toBe(false);
    expect(matches([cond({ op: 'lt', kind: 'time', value: '2026-01-02T00:00:00+00:00' })], { v: '2026-01-01T23:59:59.999+00:00' })).toBe(true);
    expect(matches([cond({ op: 'eq', kind: 'json', value: { a: 1 } })], { v: { a: 1 } })).toBe(true);
  });

  test('NULL: comparisons are unknown, negation keeps them unknown, is/isdistinct see them', () => {
    expect(matches([cond({ op: 'eq', value: 1 })], { v: null })).toBe(false);
    expect(matches([cond({ op: 'eq', value: 1, negate: true })], { v: null })).toBe(false);
    expect(matches([cond({ op: 'neq', value: 1 })], { v: null })).toBe(false);
    expect(matches([cond({ op: 'is', value: 'null' })], { v: null })).toBe(true);
    expect(matches([cond({ op: 'is', value: 'null', negate: true })], { v: null })).toBe(false);
    expect(matches([cond({ op: 'isdistinct', value: 1 })], { v: null })).toBe(true);
    expect(matches([cond({ op: 'isdistinct', value: 1, negate: true })], { v: 1 })).toBe(true);
  });

  test('in, like, ilike, match', () => {
    expect(matches([cond({ op: 'in', kind: 'text', value: ['a', 'b'] })], { v: 'b' })).toBe(true);
    expect(matches([cond({ op: 'in', kind: 'text', value: ['a', 'b'], negate: true })], { v: 'b' })).toBe(false);
    expect(matches([cond({ op: 'like', kind: 'text', value: pattern('like', 'ab%_z') })], { v: 'abXXyz' })).toBe(true);
    expect(matches([cond({ op: 'like', kind: 'text', value: pattern('like', 'AB%') })], { v: 'abc' })).toBe(false);
    expect(matches([cond({ op: 'ilike', kind: 'text', value: pattern('ilike', 'AB%') })], { v: 'abc' })).toBe(true);
    expect(matches([cond({ op: 'like', kind: 'text', value: pattern('like', '100\\%') })], { v: '100%' })).toBe(true);
    expect(matches([cond({ op: 'match', kind: 'text', value: pattern('match', '^a.c$') })], { v: 'abc' })).toBe(true);
  });

  test('every condition must hold; a column missing from the record fails closed', () => {
    const both = [cond({ op: 'gt', value: 0 }), cond({ column: 'w', op: 'eq', kind: 'text', value: 'x' })];
    expect(matches(both, { v: 1, w: 'x' })).toBe(true);
    expect(matches(both, { v: 1, w: 'y' })).toBe(false);
    expect(matches(both, { v: 1 })).toBe(false);
    expect(matches(both, null)).toBe(false);
  });
});
