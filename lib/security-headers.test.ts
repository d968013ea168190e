import { expect, test } from 'vitest';
import { contentSecurityPolicy, createNonce, STATIC_SECURITY_HEADERS } from './security-headers';

const directives = (csp: string) => Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

test('a page policy: nonce-only scripts, no plugins, no framing, Supabase reachable over http and ws', () => {
  const d = directives(contentSecurityPolicy({ nonce: 'abc123', supabaseUrl: 'http://127.0.0.1:54321', dev: false, https: false }));
  expect(d['script-src']).toBe("'self' 'nonce-abc123' 'strict-dynamic'");
  expect(d['style-src']).toBe("'self' 'nonce-abc123'");
  expect(d['connect-src']).toBe("'self' http://127.0.0.1:54321 ws://127.0.0.1:54321");
  expect(d['object-src']).toBe("'none'");
  expect(d['base-uri']).toBe("'none'");
  expect(d['form-action']).toBe("'self'");
  expect(d['frame-ancestors']).toBe("'none'");
  expect(d['upgrade-insecure-requests']).toBeUndefined();
  const hosted = directives(contentSecurityPolicy({ nonce: 'n', supabaseUrl: 'https://abc.supabase.co/', dev: false, https: true }));
  expect(hosted['connect-src']).toBe("'self' https://abc.supabase.co wss://abc.supabase.co");
  expect(hosted['upgrade-insecure-requests']).toBe('');
  const dev = directives(contentSecurityPolicy({ nonce: 'n', supabaseUrl: 'http://127.0.0.1:54321', dev: true, https: false }));
  expect(dev['script-src']).toContain("'unsafe-eval'");
});

test('nonces are fresh, 128-bit base64', () => {
  const a = createNonce();
  expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(createNonce()).not.toBe(a);
});

test('static headers for every answer', () => {
  expect(Object.fromEntries(STATIC_SECURITY_HEADERS.map((h) => [h.key, h.value]))).toEqual({
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  });
});
