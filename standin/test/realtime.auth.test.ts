import { createClient, type RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestUser, standinUrl } from './helpers/clients.ts';
import { cleanup, Inbox, RawSocket, subscribed } from './helpers/realtime.ts';
import { signHS256 } from '../src/jwt.ts';
import { LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY } from '../src/keys.ts';

type User = Awaited<ReturnType<typeof createTestUser>>;
let alice: User;
let bob: User;
const now = () => Math.floor(Date.now() / 1000);
const tokenFor = (sub: string, exp: number, secret = LOCAL_JWT_SECRET) =>
  signHS256({ sub, role: 'authenticated', aud: 'authenticated', iat: now(), exp }, secret);

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('auth-alice'), createTestUser('auth-bob')]);
});

/**
 * A client whose realtime token is set by hand (no auth session to refresh it behind our back). realtime-js
 * puts the token into a join only if it already holds it when subscribe() runs, so wait for it first.
 */
async function bareClient(token: string) {
  const client = createClient(standinUrl(), LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false, autoRefreshToken: false } });
  await client.realtime.setAuth(token);
  return client;
}

describe('join', () => {
  test('an expired access_token is refused with InvalidJWTToken', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    ws.send(['1', '1', 'realtime:expired', 'phx_join', { config: {}, access_token: tokenFor(alice.id, now() - 30) }]);
    const reply = (await ws.next((f) => Array.isArray(f) && f[1] === '1')) as unknown[];
    expect(reply[4]).toMatchObject({ status: 'error' });
    expect((reply[4] as { response: { reason: string } }).response.reason).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/);
    ws.close();
  });

  test('a token signed with another secret is refused with JwtSignatureError; garbage with MalformedJWT', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    ws.send(['1', '1', 'realtime:forged', 'phx_join', { config: {}, access_token: tokenFor(alice.id, now() + 600, 'another-secret-another-secret-another-secret') }]);
    expect(((await ws.next((f) => Array.isArray(f) && f[1] === '1')) as unknown[])[4]).toEqual({ status: 'error', response: { reason: 'JwtSignatureError: Failed to validate JWT signature' } });
    ws.send(['2', '2', 'realtime:garbage', 'phx_join', { config: {}, access_token: 'not.a.jwt' }]);
    expect(((await ws.next((f) => Array.isArray(f) && f[1] === '2')) as unknown[])[4]).toEqual({ status: 'error', response: { reason: 'MalformedJWT: The token provided is not a valid JWT' } });
    ws.close();
  });

  test('an sb_ access_token falls back to the connection key', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    ws.send(['1', '1', 'realtime:sbkey', 'phx_join', { config: {}, access_token: LOCAL_PUBLISHABLE_KEY }]);
    expect(((await ws.next((f) => Array.isArray(f) && f[1] === '1')) as unknown[])[4]).toMatchObject({ status: 'ok' });
    ws.close();
  });

  test('a private channel the user may not read is refused with Unauthorized', async () => {
    const channel = bob.client.channel(`fixture:${alice.id}`, { config: { private: true } });
    await expect(subscribed(channel)).rejects.toThrow(`Unauthorized: You do not have permissions to read from this Channel topic: fixture:${alice.id}`);
    await cleanup(bob.client);
  });

  test('the private channel its policy allows joins', async () => {
    await subscribed(alice.client.channel(`fixture:${alice.id}`, { config: { private: true } }));
    await cleanup(alice.client);
  });
});

describe('access_token pushes', () => {
  test('a new token re-evaluates RLS for postgres_changes as the new user', async () => {
    const client = await bareClient(tokenFor(alice.id, now() + 600));
    const room = `swap-${Math.random().toString(36).slice(2)}`;
    const inbox = new Inbox<{ label: string }>();
    const channel = await subscribed(
      client
        .channel(`swap-${room}`, { config: { broadcast: { ack: true } } })
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_events', filter: `room=eq.${room}` }, (p: RealtimePostgresChangesPayload<{ label: string }>) =>
          inbox.push(p.new as { label: string }),
        ),
    );
    await alice.client.from('fixture_events').insert({ room, label: 'alice-before' });
    await inbox.until((i) => i.length === 1);
    await client.realtime.setAuth(tokenFor(bob.id, now() + 600));
    // pushes on one socket are handled in order: an acknowledged broadcast after the access_token push proves it arrived
    expect(await channel.send({ type: 'broadcast', event: 'sync', payload: {} })).toBe('ok');
    await alice.client.from('fixture_events').insert({ room, label: 'alice-after' });
    await bob.client.from('fixture_events').insert({ room, label: 'bob-after' });
    await inbox.until((i) => i.some((c) => c.label === 'bob-after'));
    expect(inbox.items.map((c) => c.label)).toEqual(['alice-before', 'bob-after']);
    await cleanup(client);
  });

  test('a token that expires ends the channel with a system error and phx_close (CLOSED, no rejoin)', async () => {
    const client = await bareClient(tokenFor(alice.id, now() + 2));
    const system = new Inbox<{ status: string; message: string }>();
    const statuses = new Inbox<string>();
    const channel = client.channel(`expiring-${Math.random()}`).on('system', {}, (p: { status: string; message: string }) => system.push(p));
    channel.subscribe((s) => statuses.push(s));
    await statuses.until((s) => s.includes('SUBSCRIBED'));
    await statuses.until((s) => s.includes('CLOSED'), 10_000, 'CLOSED at expiry');
    expect(system.items.find((m) => m.status === 'error')?.message).toMatch(/^Token has expired \d+ seconds ago$/);
    await cleanup(client);
  });

  test('an invalid token pushed later closes the channel', async () => {
    const client = await bareClient(tokenFor(alice.id, now() + 600));
    const system = new Inbox<{ status: string; message: string }>();
    const statuses = new Inbox<string>();
    const channel = client.channel(`invalid-${Math.random()}`).on('system', {}, (p: { status: string; message: string }) => system.push(p));
    channel.subscribe((s) => statuses.push(s));
    await statuses.until((s) => s.includes('SUBSCRIBED'));
    await client.realtime.setAuth(tokenFor(alice.id, now() + 600, 'another-secret-another-secret-another-secret'));
    await statuses.until((s) => s.includes('CLOSED'));
    expect(system.items.find((m) => m.status === 'error')?.message).toBe('Failed to validate JWT signature');
    await cleanup(client);
  });

  test('losing read access on a private channel ends it', async () => {
    const client = await bareClient(tokenFor(alice.id, now() + 600));
    const system = new Inbox<{ status: string; message: string }>();
    const statuses = new Inbox<string>();
    const channel = client.channel(`fixture:${alice.id}`, { config: { private: true } }).on('system', {}, (p: { status: string; message: string }) => system.push(p));
    channel.subscribe((s) => statuses.push(s));
    await statuses.until((s) => s.includes('SUBSCRIBED'));
    await client.realtime.setAuth(tokenFor(bob.id, now() + 600));
    await statuses.until((s) => s.includes('CLOSED'));
    expect(system.items.find((m) => m.status === 'error')?.message).toBe(`You no longer have permission to read from this Channel topic: fixture:${alice.id}`);
    await cleanup(client);
  });
});
