/**
 * A caller's malformed REST request answers as PostgREST answers it: a 4xx with PostgREST's code, never a 500,
 * never a stack or a path, and the server keeps serving.
 */
import { describe, expect, test } from 'vitest';
import { createTestUser, serviceClient, standinUrl } from './helpers/clients.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../src/keys.ts';

const INTERNALS = /node_modules|\/standin\/|\.[tj]s:\d+|\n\s+at |TypeError|RangeError|URIError/;
const anon = { apikey: LOCAL_PUBLISHABLE_KEY };
const service = { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}`, 'content-type': 'application/json' };
const unique = () => `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

async function send(path: string, init: RequestInit = {}) {
  const res = await fetch(`${standinUrl()}/rest/v1${path}`, { ...init, headers: { ...anon, ...init.headers } });
  const text = await res.text();
  expect(text).not.toMatch(INTERNALS);
  let body: Record<string, unknown> | null = null;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (an empty 201, a 431 from the HTTP server)
  }
  return { status: res.status, headers: res.headers, body };
}

let ownerUser: Promise<{ id: string }> | null = null;
const owner = () => (ownerUser ??= createTestUser('rest-malformed-owner'));

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) => send(path, { method: 'POST', headers: { ...service, ...headers }, body });

describe('query strings and headers', () => {
  test.each([
    ['a filter value of the wrong type', '/fixture_posts?owner_id=eq.not-a-uuid', 400, '22P02'],
    ['an integer filter that is not a number', '/fixture_posts?id=eq.abc', 400, '22P02'],
    ['an unknown column in select', '/fixture_posts?select=id,nope', 400, '42703'],
    ['an unknown column in a filter', '/fixture_posts?nope=eq.1', 400, '42703'],
    ['an unknown column in order', '/fixture_posts?order=nope.asc', 400, '42703'],
    ['select syntax', '/fixture_posts?select=id,(', 400, 'PGRST100'],
    ['an unknown operator', '/fixture_posts?id=zz.1', 400, 'PGRST100'],
    ['an unclosed in list', '/fixture_posts?id=in.(1,2', 400, 'PGRST100'],
    ['an unclosed logic tree', '/fixture_posts?or=(id.eq.1', 400, 'PGRST100'],
    ['a bad is value', '/fixture_posts?published=is.maybe', 400, 'PGRST100'],
    ['a bad order direction', '/fixture_posts?order=id.sideways', 400, 'PGRST100'],
    ['an embed with no relationship', '/fixture_posts?select=id,nope(*)', 400, 'PGRST200'],
    ['an unknown table', '/fixture_nope', 404, 'PGRST205'],
    ['an unknown function', '/rpc/fixture_nope', 404, 'PGRST202'],
    ['a broken percent-escape in the path', '/%E0%A4%A', 404, 'PGRST125'],
    ['a schema that is not exposed', '/fixture_posts', 406, 'PGRST106', { 'accept-profile': 'auth' }],
    ['an Accept nothing answers', '/fixture_posts', 406, 'PGRST107', { accept: 'application/xml' }],
    ['an inverted Range', '/fixture_posts', 416, 'PGRST103', { range: '5-1' }],
    ['a negative limit', '/fixture_posts?limit=-1', 416, 'PGRST103'],
    ['handling=strict with an unknown preference', '/fixture_posts', 400, 'PGRST122', { prefer: 'handling=strict, bogus=1' }],
  ] as const)('%s: %s → %i %s', async (...[, path, status, code, headers]: readonly [string, string, number, string, Record<string, string>?]) => {
    const res = await send(path, { headers: headers ?? {} });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, message: expect.any(String) });
    expect(Object.keys(res.body!).sort()).toEqual(['code', 'details', 'hint', 'message']);
  });

  test('what PostgREST ignores is ignored: an unparseable Range, limit or offset, and lenient unknown preferences', async () => {
    for (const [path, headers] of [
      ['/fixture_posts?select=id&limit=1', { range: 'abc' }],
      ['/fixture_posts?select=id&limit=abc&offset=xyz', {}],
      ['/fixture_posts?select=id&limit=1', { prefer: 'count=banana, nonsense' }],
    ] as const) {
      expect((await send(path, { headers })).status, path).toBe(200);
    }
  });

  test('an unsupported method is 405 PGRST117 (not a read of the table)', async () => {
    const res = await send('/fixture_posts', { method: 'PROPFIND' });
    expect(res).toMatchObject({ status: 405, body: { code: 'PGRST117', message: 'Unsupported HTTP method: PROPFIND' } });
  });

  test('a query string past the HTTP server’s header limit is refused with a 4xx', async () => {
    const res = await send(`/fixture_posts?title=eq.${'a'.repeat(200_000)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  test('a long in-list and a deep logic tree within the limit are answered', async () => {
    const ids = Array.from({ length: 1500 }, (_, i) => -i - 1).join(',');
    expect((await send(`/fixture_posts?select=id&id=in.(${ids})`)).status).toBe(200);
    const nested = await send(`/fixture_posts?or=${'(and('.repeat(200)}id.eq.1${'))'.repeat(200)}`);
    expect(nested.status).toBeLessThan(500);
  });
});

describe('request bodies', () => {
  test.each([
    ['truncated JSON', '{"name":', 'PGRST102'],
    ['JSON null', 'null', 'PGRST102'],
    ['rows with different keys', '[{"name":"a"},{"nope":1}]', 'PGRST102'],
    ['an unknown column', '{"nope":1}', 'PGRST204'],
    ['JSON nested past 1,000 levels', `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'PGRST102'],
    ['a value PostgreSQL cannot read for the column', '{"ref":"x","quantity":"lots"}', '22P02'],
    ['a string that is not a boolean', '{"ref":"x","quantity":1,"rush":"perhaps"}', '22P02'],
    ['a NUL character', '{"ref":"a\\u0000b","quantity":1}', '22021'],
  ])('%s → 400 %s', async (_, body, code) => {
    // orders need an owner when the service role inserts them (auth.uid() is null for it)
    const isOrder = body.includes('"ref"');
    const res = await post(`/${isOrder ? 'fixture_orders' : 'fixture_authors'}`, isOrder ? body.replace('{', `{"owner_id":"${(await owner()).id}",`) : body);
    expect(res.status).toBe(400);
    expect(res.body?.code).toBe(code);
  });

  test('a body that is not JSON, or a content type PostgREST does not read, is 400 PGRST102', async () => {
    expect((await post('/rpc/fixture_echo', '{"p":')).body?.code).toBe('PGRST102');
    const text = await post('/fixture_authors', 'hello', { 'content-type': 'text/plain' });
    expect(text).toMatchObject({ status: 400, body: { code: 'PGRST102', message: 'Content-Type not acceptable: text/plain' } });
  });

  test('invalid UTF-8 in a JSON string is read with replacement characters, as PostgREST reads it', async () => {
    const name = unique();
    const bytes = new Uint8Array([...new TextEncoder().encode(`{"name":"${name}`), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    expect((await post('/fixture_authors', bytes)).status).toBe(201);
    const { data } = await serviceClient().from('fixture_authors').select('name').like('name', `${name}%`).single();
    expect(data?.name).toBe(`${name}\uFFFD\uFFFD`);
  });

  test('a JSON object sent for a text column is stored as its JSON text, as PostgreSQL stores it', async () => {
    const user = await createTestUser('rest-malformed');
    const note = { tags: ['a', 'b'], n: 1 };
    const { data, error } = await user.client.from('fixture_orders').insert({ ref: unique(), quantity: 1, note }).select('note').single();
    expect(error).toBeNull();
    expect(JSON.parse(data!.note as string)).toEqual(note);
  });

  test('an RPC argument of the wrong type is 400 22P02 on both paths', async () => {
    expect((await post('/rpc/fixture_add', '{"a":"x","b":1}', { apikey: LOCAL_PUBLISHABLE_KEY, authorization: '' })).body?.code).toBe('22P02');
    expect((await post('/rpc/fixture_open_order', '{"p_order":"x"}')).body?.code).toBe('22P02');
  });
});

test('after all of it the stand-in still serves', async () => {
  expect((await fetch(`${standinUrl()}/health`)).status).toBe(200);
  expect((await send('/fixture_authors?select=id&limit=1')).status).toBe(200);
});
