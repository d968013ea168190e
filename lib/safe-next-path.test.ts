import { describe, expect, test } from 'vitest';
import { safeNextPath } from './safe-next-path';

const ORIGIN = 'https://switchboard.test';

describe('safeNextPath', () => {
  test('keeps same-site paths, normalised', () => {
    expect(safeNextPath('/inbox/abc?x=1')).toBe('/inbox/abc?x=1');
    expect(safeNextPath('/inbox/abc?x=1#m')).toBe('/inbox/abc?x=1#m');
    expect(safeNextPath(['/inbox/diagnostics'])).toBe('/inbox/diagnostics');
    expect(safeNextPath('/inbox/./a/../b')).toBe('/inbox/b');
    expect(safeNextPath('/inbox/a b')).toBe('/inbox/a%20b');
    expect(safeNextPath('/loginx')).toBe('/loginx');
  });

  const tricks = [
    '//evil.test',
    '///evil.test',
    '/\\evil.test',
    '\\\\evil.test',
    '/\t/evil.test',
    '/\t\\evil.test',
    '\t//evil.test',
    '/\n/evil.test',
    '/\r/evil.test',
    '/\r\n/evil.test',
    '/inbox\r\nSet-Cookie: a=b',
    '/\u0000/evil.test',
    '/\u001f/evil.test',
    '/\u007f/evil.test',
    '/inbox\\..\\..\\evil.test',
    '/.//evil.test',
    '/./\t/evil.test',
    '/x/..//evil.test',
    '//%2F%2Fevil.test',
    'https://evil.test',
    'https:evil.test',
    'http://switchboard.test/inbox',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'inbox',
    ' /inbox',
    '',
    '/login',
    '/login?next=/inbox',
    '/login/',
    '/./login',
    '/inbox/../login?next=//evil.test',
    `/${'x'.repeat(5000)}`,
    'x'.repeat(10_000),
    [],
    [42],
    ['//evil.test', '/inbox'],
    undefined,
    null,
    42,
    { toString: () => '/inbox' },
  ];
  test.each(tricks.map((t) => [JSON.stringify(t)?.slice(0, 50) ?? String(t), t] as const))('refuses %s', (_label, next) => {
    expect(safeNextPath(next)).toBe('/inbox');
  });

  test('whatever it returns stays on our origin when a browser resolves it', () => {
    for (const next of [...tricks, '/%09/evil.test', '/%5Cevil.test', '/%2F%2Fevil.test', '/inbox/%0d%0a', '/inbox?next=//evil.test']) {
      const out = safeNextPath(next);
      expect(out).toMatch(/^\/(?![/\\])/);
      expect(out).not.toMatch(/[\u0000-\u001f\u007f\\]/);
      expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
    }
    // percent-encoded characters stay encoded: a path of ours, not a tab or a slash
    expect(safeNextPath('/%09/evil.test')).toBe('/%09/evil.test');
  });

  test('a custom fallback', () => {
    expect(safeNextPath('//evil.test', '/')).toBe('/');
  });
});
