/**
 * Bad JWTs are refused, never served as anonymous and never as the role they claim: REST answers PostgREST's
 * 401 PGRST301/PGRST303 with its WWW-Authenticate challenge, Auth answers GoTrue's 401/403.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { anonClient, createTestUser, standinUrl } from './helpers/clients.ts';
import { signHS256 } from '../src/jwt.ts';
import { LOCAL_ANON_JWT, LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../src/keys.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const WRONG_SECRET = 'not-the-stand-in-secret-not-the-stand-in-secret';

let user: { id: string; token: string };

beforeAll(async () => {
  const created = await createTestUser('jwt');
  user = { id: created.id, token: (await created.client.auth.getSession()).data.session!.access_token };
  const order = await created.client.from('fixture_orders').insert({ ref: `jwt-${created.id}`, quantity: 1 });
  expect(order.error).toBeNull();
});

/** [name, token, PostgREST code, PostgREST message] */
const badTokens = (): Array<[string, string, string, string]> => {
  const forged = `${user.token.slice(0, user.token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
  return [
    ['a forged signature', forged, 'PGRST301', 'No suitable key or wrong key type'],
    ['an expired token', signHS256({ sub: user.id, role: 'authenticated', aud: 'authenticated', exp: now - 60 }, LOCAL_JWT_SECRET), 'PGRST303', 'JWT expired'],
    ['alg none, no signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user.id, role: 'service_role' })}.`, 'PGRST301', 'No suitable key or wrong key type'],
    ['alg none, any signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user.id, role: 'service_role' })}.e30`, 'PGRST301', 'No suitable key or wrong key type'],
    ['HS512', `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ role: 'service_role' })}.${'A'.repeat(86)}`, 'PGRST301', 'No suitable key or wrong key type'],
    ['service_role signed with another key', signHS256({ role: 'service_role', iss: 'supabase-demo' }, WRONG_SECRET), 'PGRST301', 'No suitable key or wrong key type'],
    ['two parts', 'abc.def', 'PGRST301', 'Expected 3 parts in JWT; got 2'],
    ['four parts', 'a.b.c.d', 'PGRST301', 'Expected 3 parts in JWT; got 4'],
    ['three parts of garbage', 'a.b.c', 'PGRST301', 'No suitable key or wrong key type'],
    ['issued in the future', signHS256({ sub: user.id, role: 'authenticated', iat: now + 3600, exp: now + 7200 }, LOCAL_JWT_SECRET), 'PGRST303', 'JWT issued at future'],
  ];
};

async function rest(path: string, headers: Record<string, string>, init: RequestInit = {}) {
  const res = await fetch(`${standinUrl()}/rest/v1${path}`, { ...init, headers: { ...headers, ...init.headers } });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as unknown };
}

describe('REST', () => {
  test('every bad bearer token is 401 with PostgREST’s code, message and challenge, on a table and on both RPC paths', async () => {
    for (const [name, token, code, message] of badTokens()) {
      for (const [where, apikey, path, init] of [
        ['table', LOCAL_PUBLISHABLE_KEY, '/fixture_orders?select=id', {}],
        ['rpc via lite', LOCAL_PUBLISHABLE_KEY, '/rpc/fixture_open_order', { method: 'POST', body: '{"p_order":1}', headers: { 'content-type': 'application/json' } }],
        // a secret API key with a bad bearer is not the service role: the fast path must not take it
        ['rpc with the secret key', LOCAL_SECRET_KEY, '/rpc/fixture_open_order', { method: 'POST', body: '{"p_order":1}', headers: { 'content-type': 'application/json' } }],
      ] as const) {
        const res = await rest(path, { apikey, authorization: `Bearer ${token}` }, init);
        expect(res.status, `${name} on ${where}`).toBe(401);
        expect(res.body, `${name} on ${where}`).toMatchObject({ code, message });
        expect(res.headers.get('www-authenticate'), `${name} on ${where}`).toBe(`Bearer error="invalid_token", error_description="${message}"`);
      }
    }
  });

  test('an empty bearer is PGRST301 "Empty JWT", not anonymous', async () => {
    const res = await rest('/fixture_authors?select=id&limit=1', { apikey: LOCAL_PUBLISHABLE_KEY, authorization: 'Bearer ' });
    expect(res).toMatchObject({ status: 401, body: { code: 'PGRST301', message: 'Empty JWT is sent in Authorization header' } });
  });

  test('a bad JWT as the API key is 401 "Invalid API key"; it reads nothing', async () => {
    for (const [name, token] of badTokens()) {
      const res = await rest('/fixture_orders?select=id', { apikey: token, authorization: `Bearer ${token}` });
      expect(res.status, name).toBe(401);
      expect(res.body, name).toMatchObject({ message: 'Invalid API key' });
    }
  });

  test('valid tokens still work, and the bearer scheme is case-insensitive as in PostgREST', async () => {
    const mine = await rest('/fixture_orders?select=owner_id', { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `bearer ${user.token}` });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([{ owner_id: user.id }]);
    const legacyAnon = await rest('/fixture_authors?select=id&limit=1', { apikey: LOCAL_ANON_JWT, authorization: `Bearer ${LOCAL_ANON_JWT}` });
    expect(legacyAnon.status).toBe(200);
  });
});

describe('Auth', () => {
  const authGet = async (path: string, token: string | null, apikey = LOCAL_PUBLISHABLE_KEY) => {
    const res = await fetch(`${standinUrl()}/auth/v1${path}`, { headers: { apikey, ...(token === null ? {} : { authorization: `Bearer ${token}` }) } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('GET /user refuses every bad token with GoTrue’s 403 bad_jwt (401 without one)', async () => {
    for (const [name, token] of badTokens()) {
      if (name === 'issued in the future') continue; // GoTrue does not check iat: a future iat with a valid signature is a token
      const res = await authGet('/user', token);
      expect(res.status, name).toBe(403);
      expect(res.body, name).toMatchObject({ code: 403, error_code: 'bad_jwt', msg: expect.stringMatching(/^invalid JWT: unable to parse or verify signature, /) });
    }
    expect(await authGet('/user', null)).toMatchObject({ status: 401, body: { error_code: 'no_authorization' } });
  });

  test('an expired token says so, and a token signed with another algorithm names it', async () => {
    const [, expired] = badTokens()[1]!;
    expect((await authGet('/user', expired)).body.msg).toContain('token is expired');
    const [, hs512] = badTokens()[4]!;
    expect((await authGet('/user', hs512)).body.msg).toBe('invalid JWT: unable to parse or verify signature, token signature is invalid: signing method HS512 is invalid');
  });

  test('the admin API refuses bad tokens (403 bad_jwt) and a user’s token (403 not_admin)', async () => {
    for (const [name, token] of badTokens()) {
      if (name === 'issued in the future') continue;
      expect(await authGet('/admin/users', token), name).toMatchObject({ status: 403, body: { error_code: 'bad_jwt' } });
    }
    expect(await authGet('/admin/users', user.token)).toMatchObject({ status: 403, body: { error_code: 'not_admin' } });
    expect((await authGet('/admin/users', LOCAL_SECRET_KEY, LOCAL_SECRET_KEY)).status).toBe(200);
  });

  test('supabase-js’s getUser with a forged token is an AuthApiError 403 and no user', async () => {
    const [, forged] = badTokens()[0]!;
    const { data, error } = await anonClient().auth.getUser(forged);
    expect(data.user).toBeNull();
    expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
  });
});
