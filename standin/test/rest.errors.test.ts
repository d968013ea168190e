/**
 * Database errors over REST answer as PostgREST answers them: its status for the SQLSTATE and the body
 * `{code, details, hint, message}`, through lite and through the service-role RPC fast path alike.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { anonClient, createTestUser, serviceClient, standinUrl } from './helpers/clients.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../src/keys.ts';

let user: { id: string; client: SupabaseClient; token: string };
const tag = `e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

beforeAll(async () => {
  const created = await createTestUser('rest-errors');
  const token = (await created.client.auth.getSession()).data.session!.access_token;
  user = { id: created.id, client: created.client, token };
});

/** The three ways a call reaches the database: the fast path (service role), lite as a user, lite as anon. */
const callers = {
  'service role (RPC fast path)': () => ({ apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}` }),
  'signed-in user (lite)': () => ({ apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${user.token}` }),
} as const;

async function rpc(fn: string, args: unknown, headers: Record<string, string>) {
  const res = await fetch(`${standinUrl()}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('constraint violations from a client insert', () => {
  test('a CHECK violation is 400 23514 (not 500), with PostgreSQL’s message', async () => {
    const { status, error } = await user.client.from('fixture_orders').insert({ ref: `${tag}-check`, quantity: 0 });
    expect(status).toBe(400);
    // no "Failing row contains" detail: PostgreSQL leaves it out when row-level security applies to the caller
    expect(error).toMatchObject({ code: '23514', message: expect.stringContaining('fixture_orders_quantity_check'), details: null });
  });

  test('not-null is 400 23502, unique is 409 23505, a missing foreign row is 409 23503', async () => {
    const notNull = await user.client.from('fixture_orders').insert({ ref: null, quantity: 1 });
    expect(notNull).toMatchObject({ status: 400, error: { code: '23502' } });
    expect((await user.client.from('fixture_orders').insert({ ref: `${tag}-dup`, quantity: 1 })).error).toBeNull();
    const dup = await user.client.from('fixture_orders').insert({ ref: `${tag}-dup`, quantity: 1 });
    expect(dup).toMatchObject({ status: 409, error: { code: '23505' } });
    const fk = await user.client.from('fixture_orders').insert({ ref: `${tag}-fk`, quantity: 1, post_id: -1 });
    expect(fk).toMatchObject({ status: 409, error: { code: '23503' } });
  });

  test('the service role’s insert gets the same answer, with the failing row (no RLS applies to it)', async () => {
    const { status, error } = await serviceClient().from('fixture_orders').insert({ owner_id: user.id, ref: `${tag}-svc`, quantity: -5 });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '23514', details: expect.stringMatching(/^Failing row contains/) });
  });
});

describe.each(Object.entries(callers))('a function raising a SQLSTATE, called by the %s', (_, headers) => {
  // one code for each kind of row in PostgREST's table
  test.each([
    ['P0001', 400], ['23514', 400], ['22023', 400], ['PT400', 400], ['PT402', 402], ['PT404', 404], ['PT409', 409], ['PT418', 418],
    ['PT503', 503], ['PT999', 500], ['23505', 409], ['23503', 409], ['25006', 405], ['42P01', 404], ['42883', 404], ['42P17', 500],
    ['08006', 503], ['53300', 503], ['53400', 500], ['57P01', 503], ['57014', 500], ['40001', 500], ['0L000', 403], ['0P000', 403],
    ['28000', 403], ['P0002', 500], ['XX000', 500], ['55P03', 500], ['0A000', 400],
  ])('%s → %i, body {code, details, hint, message}', async (code, status) => {
    const res = await rpc('fixture_raise', { code, message: `raised ${code}` }, headers());
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ code, details: 'fixture detail', hint: 'fixture hint', message: `raised ${code}` });
  });

  test('42501 is 403 for a caller with a role, and a role the JWT names that does not exist is 401', async () => {
    expect((await rpc('fixture_raise', { code: '42501' }, headers())).status).toBe(403);
    expect((await rpc('fixture_raise', { code: '22023', message: 'role "ghost" does not exist' }, headers())).status).toBe(401);
  });

  test('raise sqlstate PGRST chooses the status, headers and body', async () => {
    const res = await rpc('fixture_raise_pgrst', {}, headers());
    expect(res.status).toBe(423);
    expect(res.headers.get('x-locked-by')).toBe('a teammate');
    expect(res.body).toEqual({ code: 'ORDER_LOCKED', details: null, hint: 'ask its owner', message: 'the order is locked' });
  });

  test('PT404 for a row the caller cannot see (a mark-as-read RPC) is 404 with the function’s message', async () => {
    const res = await rpc('fixture_open_order', { p_order: -1 }, headers());
    expect(res).toMatchObject({ status: 404, body: { code: 'PT404', message: 'order not found' } });
  });
});

describe('as anon (lite)', () => {
  test('42501 is 401, and a raised P0001 is 400 through supabase-js', async () => {
    const denied = await anonClient().rpc('fixture_raise', { code: '42501' });
    expect(denied).toMatchObject({ status: 401, error: { code: '42501' } });
    const raised = await anonClient().rpc('fixture_raise', { code: 'P0001', message: 'nope' });
    expect(raised).toMatchObject({ status: 400, error: { code: 'P0001', message: 'nope', details: 'fixture detail', hint: 'fixture hint' } });
  });

  test('a visible order opens; one the user cannot see is PT404 to them', async () => {
    const mine = await user.client.from('fixture_orders').insert({ ref: `${tag}-open`, quantity: 2 }).select('id').single();
    expect(mine.error).toBeNull();
    expect((await user.client.rpc('fixture_open_order', { p_order: mine.data!.id })).data).toEqual({ opened: mine.data!.id });
    const other = await createTestUser('rest-errors-other');
    const hidden = await other.client.rpc('fixture_open_order', { p_order: mine.data!.id });
    expect(hidden).toMatchObject({ status: 404, error: { code: 'PT404' } });
  });
});
