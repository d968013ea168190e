/**
 * Malformed Auth requests answer as GoTrue answers them: a 4xx in its error shape (400 `bad_json` for a body
 * Go's json.Unmarshal refuses, 413 past its 1 MB cap), never a 500, never a stack or a path.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { AuthApiError } from '@supabase/supabase-js';
import { createTestUser, serviceClient, standinUrl } from './helpers/clients.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../src/keys.ts';

let user: { id: string; email: string; password: string; token: string };

beforeAll(async () => {
  const created = await createTestUser('auth-malformed');
  user = { ...created, token: (await created.client.auth.getSession()).data.session!.access_token };
});

const INTERNALS = /node_modules|\/standin\/|\.[tj]s:\d+|\n\s+at |TypeError|Cannot read properties/;

async function send(method: string, path: string, body: BodyInit | null, headers: Record<string, string> = {}) {
  const res = await fetch(`${standinUrl()}/auth/v1${path}`, {
    method,
    headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  expect(text).not.toMatch(INTERNALS);
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** Each route that reads a JSON body, with a string field of its GoTrue struct, and who may call it. */
const routes = [
  { name: 'POST /token?grant_type=password', method: 'POST', path: '/token?grant_type=password', field: 'email', struct: 'PasswordGrantParams' },
  { name: 'POST /token?grant_type=refresh_token', method: 'POST', path: '/token?grant_type=refresh_token', field: 'refresh_token', struct: 'RefreshTokenGrantParams' },
  { name: 'POST /signup', method: 'POST', path: '/signup', field: 'password', struct: 'SignupParams' },
  { name: 'POST /otp', method: 'POST', path: '/otp', field: 'email', struct: 'OtpParams' },
  { name: 'POST /magiclink', method: 'POST', path: '/magiclink', field: 'email', struct: 'MagicLinkParams' },
  { name: 'POST /recover', method: 'POST', path: '/recover', field: 'email', struct: 'RecoverParams' },
  { name: 'POST /verify', method: 'POST', path: '/verify', field: 'token', struct: 'VerifyParams' },
  { name: 'POST /resend', method: 'POST', path: '/resend', field: 'type', struct: 'ResendConfirmationParams' },
  { name: 'PUT /user', method: 'PUT', path: '/user', field: 'email', struct: 'UserUpdateParams', as: 'user', update: true },
  { name: 'POST /admin/users', method: 'POST', path: '/admin/users', field: 'email', struct: 'AdminUserParams', as: 'admin' },
  { name: 'PUT /admin/users/:id', method: 'PUT', path: '/admin/users/:id', field: 'password', struct: 'AdminUserParams', as: 'admin', update: true },
] as const;

function target(route: (typeof routes)[number]) {
  const as = 'as' in route ? route.as : 'anon';
  const headers: Record<string, string> =
    as === 'user' ? { authorization: `Bearer ${user.token}` } : as === 'admin' ? { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}` } : {};
  return { path: route.path.replace(':id', user.id), headers };
}

const notAnObject = [
  ['[]', 'array'],
  ['"x"', 'string'],
  ['42', 'number'],
] as const;

describe.each(routes)('$name', (route) => {
  test.each(notAnObject)('%s is 400 bad_json "cannot unmarshal %s into Go value"', async (body, kind) => {
    const { path, headers } = target(route);
    const res = await send(route.method, path, body, headers);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, error_code: 'bad_json', msg: `Could not parse request body as JSON: json: cannot unmarshal ${kind} into Go value of type api.${route.struct}` });
    expect(res.headers.get('x-sb-error-code')).toBe('bad_json');
  });

  test.each([1, { $ne: 1 }, [1], true])('a %j where a string belongs is 400 bad_json naming the field', async (value) => {
    const { path, headers } = target(route);
    const res = await send(route.method, path, JSON.stringify({ [route.field]: value }), headers);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'bad_json', msg: expect.stringContaining(`into Go struct field ${route.struct}.${route.field} of type string`) });
  });

  test('truncated JSON, an empty body and JSON nested past the limit are 400 bad_json', async () => {
    const { path, headers } = target(route);
    for (const body of [`{"${route.field}":"a`, '', `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`]) {
      const res = await send(route.method, path, body, headers);
      expect(res.status).toBe(400);
      expect(res.body?.error_code).toBe('bad_json');
    }
  });

  // Go leaves the struct empty for null and unknown keys, and reads invalid UTF-8 as U+FFFD: the route's own
  // validation answers (an update with nothing to change is a 200, as on GoTrue)
  test('null, invalid UTF-8 and unknown fields are read as GoTrue reads them: never a 500', async () => {
    const { path, headers } = target(route);
    const invalidUtf8 = new Uint8Array([...new TextEncoder().encode(`{"${route.field}":"`), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    for (const body of ['null', invalidUtf8, '{"unknown":{"deep":[1,2]}}']) {
      const res = await send(route.method, path, body, headers);
      expect(res.status, `${route.name} ${String(body)}`).toBeLessThan(500);
      if ('update' in route && res.status === 200) continue;
      expect(res.status, `${route.name} ${String(body)}`).toBeGreaterThanOrEqual(400);
      expect(res.body).toMatchObject({ code: res.status, error_code: expect.any(String), msg: expect.any(String) });
    }
  });

  test('a 10 MB body is 413 request_entity_too_large', async () => {
    const { path, headers } = target(route);
    const res = await send(route.method, path, JSON.stringify({ [route.field]: 'x'.repeat(10 * 1024 * 1024) }), headers);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 413, error_code: 'request_entity_too_large', msg: 'Request body too large (max 1048576 bytes)' });
  });
});

describe('shapes and content types', () => {
  test('with X-Supabase-Api-Version 2024-01-01 the error is GoTrue’s {code, message}, and says so', async () => {
    const res = await send('POST', '/token?grant_type=password', '[]', { 'x-supabase-api-version': '2024-01-01' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'bad_json', message: 'Could not parse request body as JSON: json: cannot unmarshal array into Go value of type api.PasswordGrantParams' });
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
  });

  test('GoTrue reads the body as JSON whatever the content type says; a form body is not JSON', async () => {
    const signIn = JSON.stringify({ email: user.email, password: user.password });
    const text = await send('POST', '/token?grant_type=password', signIn, { 'content-type': 'text/plain' });
    expect(text.status).toBe(200);
    expect(text.body?.access_token).toEqual(expect.any(String));
    const form = await send('POST', '/token?grant_type=password', `email=${user.email}&password=x`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form).toMatchObject({ status: 400, body: { error_code: 'bad_json' } });
  });

  test('an unknown grant type is refused before the body is read', async () => {
    expect(await send('POST', '/token?grant_type=telepathy', 'not json')).toMatchObject({ status: 400, body: { error_code: 'invalid_credentials', msg: 'unsupported_grant_type' } });
  });

  test('a missing API key is refused before the body is read', async () => {
    const res = await fetch(`${standinUrl()}/auth/v1/token?grant_type=password`, { method: 'POST', body: 'null' });
    expect(res.status).toBe(401);
  });
});

describe('well-typed values the database cannot hold are the caller’s fault, not a 500', () => {
  const long = `${'e'.repeat(300)}@example.test`;
  const admin = { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}` };

  test.each([
    ['signup, an email over 255 bytes', '/signup', { email: long, password: 'hunter22' }, {}, 'validation_failed', 'An email address is too long'],
    ['signup, a NUL in the email', '/signup', { email: 'nul\u0000@example.test', password: 'hunter22' }, {}, 'validation_failed', 'Unable to validate email address: invalid format'],
    ['signup, a NUL in user metadata', '/signup', { email: 'meta-nul@example.test', password: 'hunter22', data: { nick: 'a\u0000b' } }, {}, 'validation_failed', 'data cannot contain a NUL character (\\u0000)'],
    ['password sign-in, a NUL in the email', '/token?grant_type=password', { email: 'nul\u0000@example.test', password: 'x' }, {}, 'invalid_credentials', 'Invalid login credentials'],
    ['recover, a NUL in the email', '/recover', { email: 'nul\u0000@example.test' }, {}, 'validation_failed', 'Unable to validate email address: invalid format'],
    ['admin create, an email over 255 bytes', '/admin/users', { email: long }, admin, 'validation_failed', 'An email address is too long'],
    ['admin create, a role over varchar(255)', '/admin/users', { email: `role-${Date.now()}@example.test`, role: 'r'.repeat(300) }, admin, 'validation_failed', 'value too long for type character varying(255)'],
  ] as const)('%s → 400 %s', async (_, path, body, headers, code, msg) => {
    const res = await send('POST', path, JSON.stringify(body), headers);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, error_code: code, msg });
  });
});

describe('logout and admin', () => {
  test('logout never reads its body (GoTrue does not); an unsupported scope is 400 validation_failed', async () => {
    const session = await createTestUser('logout-body');
    const token = (await session.client.auth.getSession()).data.session!.access_token;
    const scope = await send('POST', '/logout?scope=everything', null, { authorization: `Bearer ${token}` });
    expect(scope).toMatchObject({ status: 400, body: { error_code: 'validation_failed', msg: 'Unsupported logout scope "everything"' } });
    expect((await send('POST', '/logout', 'null', { authorization: `Bearer ${token}` })).status).toBe(204);
  });

  test('admin delete reads a body only when there is one, as GoTrue does', async () => {
    const doomed = await createTestUser('admin-delete-body');
    const admin = { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}` };
    expect(await send('DELETE', `/admin/users/${doomed.id}`, '"x"', admin)).toMatchObject({ status: 400, body: { error_code: 'bad_json' } });
    expect(await send('DELETE', `/admin/users/${doomed.id}`, '{"should_soft_delete":"yes"}', admin)).toMatchObject({ status: 400, body: { error_code: 'bad_json' } });
    expect((await send('DELETE', `/admin/users/${doomed.id}`, '', admin)).status).toBe(200);
  });

  test('supabase-js sees a mistyped admin attribute as AuthApiError 400 bad_json', async () => {
    const { error } = await serviceClient().auth.admin.createUser({ email: 'typed@example.test', email_confirm: 'yes' as never });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 400, code: 'bad_json' });
  });

  test('the server is still serving', async () => {
    expect((await fetch(`${standinUrl()}/auth/v1/health`, { headers: { apikey: LOCAL_PUBLISHABLE_KEY } })).status).toBe(200);
  });
});
