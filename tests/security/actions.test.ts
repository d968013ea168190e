// Server actions, called as Next calls them: with the request's cookie store (next/headers) and redirect().
// Sign-in is open to anyone with credentials and lands only on a path of ours; sign-out ends only the
// caller's own session.
import { beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createTestUser, DEMO_PASSWORD } from '../helpers/clients.ts';
import { DEMO_USERS } from '../helpers/demo.ts';
import { form, jar, redirectOf } from '../helpers/server-actions.ts';

vi.mock('next/headers', async () => (await import('../helpers/server-actions.ts')).nextHeaders);

const { signIn, signOut } = await import('../../lib/actions/auth.ts');

beforeEach(() => jar.clear());

describe('signIn', () => {
  test('wrong credentials: a message, no session, no redirect', async () => {
    const { location, result } = await redirectOf(() => signIn({}, form({ email: DEMO_USERS.ana.email, password: 'wrong', next: '/inbox' })));
    expect(location).toBeNull();
    expect(result).toMatchObject({ error: 'That email and password do not match.' });
    expect([...jar.keys()]).toEqual([]);
  });

  const tricks = [
    '//evil.test',
    '/\\evil.test',
    '/\t/evil.test',
    '/\t\\evil.test',
    '/\n/evil.test',
    '/\r/evil.test',
    '\t//evil.test',
    'https://evil.test/',
    'javascript:alert(1)',
    '/%09/evil.test',
    '/%5Cevil.test',
    '/.//evil.test',
    '//%2F%2Fevil.test',
    '/login?next=//evil.test',
    'x'.repeat(10_000),
  ];
  test.each(tricks.map((t) => [JSON.stringify(t).slice(0, 40), t] as const))('next=%s never leaves the app', async (_label, next) => {
    const { location } = await redirectOf(() => signIn({}, form({ email: DEMO_USERS.ana.email, password: DEMO_PASSWORD, next })));
    expect(location).not.toBeNull();
    const resolved = new URL(location!, 'https://switchboard.test');
    expect(resolved.origin).toBe('https://switchboard.test');
    expect(location).toMatch(/^\/(?![/\\])/);
    expect(location).not.toMatch(/[\u0000-\u001f\u007f\\]/);
  });

  test('a same-origin deep link is kept', async () => {
    const { location } = await redirectOf(() => signIn({}, form({ email: DEMO_USERS.ana.email, password: DEMO_PASSWORD, next: '/inbox/40000000-0000-4000-8000-000000000001?x=1' })));
    expect(location).toBe('/inbox/40000000-0000-4000-8000-000000000001?x=1');
    expect([...jar.keys()].some((k) => k.includes('auth-token'))).toBe(true);
  });
});

describe('signOut', () => {
  let user: Awaited<ReturnType<typeof createTestUser>>;
  beforeAll(async () => {
    user = await createTestUser('signout');
  });

  test("ends this browser's session only, then goes to /login", async () => {
    // sign in through the action, so the jar holds the session cookie exactly as the browser would
    await redirectOf(() => signIn({}, form({ email: user.email, password: user.password, next: '/inbox' })));
    expect([...jar.keys()].some((k) => k.includes('auth-token'))).toBe(true);
    const { location } = await redirectOf(() => signOut());
    expect(location).toBe('/login');
    expect([...jar.keys()].some((k) => k.includes('auth-token'))).toBe(false);
    // the user's other session (the test client's) is still valid
    const { data } = await user.client.auth.getUser();
    expect(data.user?.id).toBe(user.id);
  });

  test('without a session it still just goes to /login', async () => {
    const { location } = await redirectOf(() => signOut());
    expect(location).toBe('/login');
  });
});
