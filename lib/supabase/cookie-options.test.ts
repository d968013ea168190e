import { expect, test } from 'vitest';
import { serverCookieOptions } from './cookie-options';

test('session cookies are Path=/ and SameSite=Lax, and Secure in production', () => {
  const secure = (env: Record<string, string | undefined>) => serverCookieOptions(env).secure;
  expect(serverCookieOptions({})).toEqual({ path: '/', sameSite: 'lax', secure: false });
  expect(secure({ PUBLIC_BASE_URL: 'https://switchboard.example' })).toBe(true);
  expect(secure({ PUBLIC_BASE_URL: 'https://switchboard.example', NODE_ENV: 'development' })).toBe(true);
  expect(secure({ NODE_ENV: 'production' })).toBe(true);
  expect(secure({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://switchboard.example' })).toBe(true);
  expect(secure({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'not a url' })).toBe(true);
  // a production build on plain http over loopback (the end-to-end stack): a Secure cookie would be dropped
  expect(secure({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://127.0.0.1:3000' })).toBe(false);
  expect(secure({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://localhost:3000' })).toBe(false);
  expect(secure({ NODE_ENV: 'development', PUBLIC_BASE_URL: 'http://127.0.0.1:3000' })).toBe(false);
});
