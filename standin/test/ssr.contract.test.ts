import { createServerClient } from '@supabase/ssr';
import { expect, test } from 'vitest';
import { createTestUser, standinUrl } from './helpers/clients.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../src/keys.ts';

type Cookie = { name: string; value: string; options?: Record<string, unknown> };

/** A cookie jar standing in for the request/response pair of a Next.js server component or route. */
function jarClient(jar: Map<string, string>, writes: Cookie[] = []) {
  return createServerClient(standinUrl(), LOCAL_PUBLISHABLE_KEY, {
    cookies: {
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
      setAll: (cookies: Cookie[]) => {
        for (const c of cookies) {
          writes.push(c);
          if (c.value === '' || c.options?.maxAge === 0) jar.delete(c.name);
          else jar.set(c.name, c.value);
        }
      },
    },
  });
}

test('@supabase/ssr: sign-in writes the session cookie, a later request reads it, sign-out clears it', async () => {
  const { email, password, id } = await createTestUser('ssr');
  const jar = new Map<string, string>();
  const writes: Cookie[] = [];
  const { error } = await jarClient(jar, writes).auth.signInWithPassword({ email, password });
  expect(error).toBeNull();

  const cookieName = `sb-${new URL(standinUrl()).hostname.split('.')[0]}-auth-token`;
  expect(jar.get(cookieName)).toMatch(/^base64-/);
  expect(writes.find((c) => c.name === cookieName)?.options).toMatchObject({ path: '/', sameSite: 'lax', httpOnly: false });

  // a new request: a fresh server client over the same cookies
  const next = jarClient(jar);
  expect((await next.auth.getUser()).data.user?.id).toBe(id);
  const rows = await next.rpc('fixture_whoami');
  expect(rows.data).toMatchObject({ uid: id, role: 'authenticated' });

  await jarClient(jar).auth.signOut();
  expect(jar.has(cookieName)).toBe(false);
  expect((await jarClient(jar).auth.getUser()).data.user).toBeNull();
});
