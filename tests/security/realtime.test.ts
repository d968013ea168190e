// The realtime matrix: distributor A's private channel and A's row changes × every role; forged tokens at the
// handshake and at join; filters built to escape their value. "Nothing arrives" is proven with a marker that
// does arrive on the same socket after the change under test (the stand-in delivers changes in commit order).
import { randomUUID } from 'node:crypto';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signHS256 } from '../../standin/src/jwt.ts';
import { LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY } from '../../standin/src/keys.ts';
import { sid } from '../../tools/twilio-fake/webhooks.ts';
import { randomNumber } from '../helpers/app.ts';
import { anonClient, createTestUser, serviceClient, standinUrl } from '../helpers/clients.ts';
import { cleanup, Inbox, RawSocket, subscribed } from '../helpers/realtime.ts';
import { PRIVATE_JOIN, REALTIME_FILTER_OPERATORS } from './expectations.app.ts';
import { createWorld, ROLES, type Role, type World } from './world.ts';

let w: World;
/** Fresh clients per role, so each test's sockets are its own. */
let clients: Record<Role, SupabaseClient>;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  if (clients) await cleanup(...Object.values(clients));
});

async function freshClients(): Promise<Record<Role, SupabaseClient>> {
  const signedIn = async (token: string) => {
    const c = anonClient();
    c.realtime.setAuth(token);
    return c;
  };
  const [memberA, memberB, outsider] = await Promise.all([signedIn(w.a.token), signedIn(w.b.token), signedIn(w.outsider.token)]);
  clients = { anon: anonClient(), memberA, memberB, outsider, service: serviceClient() };
  return clients;
}

const privateTopicA = () => `distributor:${w.a.id}:${w.a.channelKey}`;

async function restBroadcast(token: string | null, topic: string, payload: Record<string, unknown>, isPrivate = true): Promise<number> {
  const res = await fetch(`${standinUrl()}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${token ?? LOCAL_PUBLISHABLE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ topic, event: 'typing', payload, private: isPrivate }] }),
  });
  await res.body?.cancel();
  return res.status;
}

describe("distributor A's private channel", () => {
  test.each(ROLES)('%s joins only if it may', async (role) => {
    const c = (await freshClients())[role];
    const channel = c.channel(privateTopicA(), { config: { private: true } });
    if (PRIVATE_JOIN[role] === 'ok') await subscribed(channel);
    else await expect(subscribed(channel)).rejects.toThrow(/Unauthorized|permission/i);
    await c.removeChannel(channel);
  });

  test("broadcasts from anyone but A's members (socket or REST, public twin topic or private) never reach it", async () => {
    const c = await freshClients();
    const received = new Inbox<Record<string, unknown>>();
    const channel = c.memberA.channel(privateTopicA(), { config: { private: true } }).on('broadcast', { event: 'typing' }, (m) => received.push(m.payload as Record<string, unknown>));
    await subscribed(channel);
    for (const role of ['anon', 'memberB', 'outsider'] as const) {
      // a public channel of the same name is another channel
      const twin = await subscribed(c[role].channel(privateTopicA(), { config: { broadcast: { self: false } } }));
      await twin.send({ type: 'broadcast', event: 'typing', payload: { from: role, via: 'socket' } });
      expect(await restBroadcast(w.tokens[role], privateTopicA(), { from: role, via: 'rest' })).toBeLessThan(500);
      expect(await restBroadcast(w.tokens[role], privateTopicA(), { from: role, via: 'rest-public' }, false)).toBeLessThan(500);
    }
    expect(await restBroadcast(w.tokens.memberA, privateTopicA(), { from: 'memberA', via: 'marker' })).toBe(202);
    await received.until((items) => items.some((p) => p.via === 'marker'), 10_000, 'the marker');
    expect(received.items.map((p) => p.from)).toEqual(['memberA']);
  });

  test("presence on A's private channel is invisible to everyone else, and theirs to A", async () => {
    const c = await freshClients();
    const mine = c.memberA.channel(privateTopicA(), { config: { private: true, presence: { key: 'member-a' } } });
    const synced = new Inbox<string[]>();
    mine.on('presence', { event: 'sync' }, () => synced.push(Object.keys(mine.presenceState())));
    await subscribed(mine);
    await mine.track({ online_at: new Date().toISOString() });
    await synced.until((items) => items.some((keys) => keys.includes('member-a')), 10_000, "A's own presence");
    for (const role of ['anon', 'memberB', 'outsider'] as const) {
      const twin = c[role].channel(privateTopicA(), { config: { presence: { key: role } } });
      const theirs = new Inbox<string[]>();
      twin.on('presence', { event: 'sync' }, () => theirs.push(Object.keys(twin.presenceState())));
      await subscribed(twin);
      await twin.track({ spy: true });
      const seen = await theirs.until((items) => items.some((keys) => keys.includes(role)), 10_000, `${role}'s own presence`);
      expect(seen.flat()).not.toContain('member-a');
    }
    // A's view never grew: a second track by A is a marker that A's presence stream is current
    await mine.track({ online_at: 'again' });
    await synced.until((items) => items.length >= 2);
    expect(new Set(synced.items.flat())).toEqual(new Set(['member-a']));
  });

  test('a token swapped for one that does not grant the topic closes the channel', async () => {
    const socket = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY, '1.0.0');
    try {
      const topic = `realtime:${privateTopicA()}`;
      socket.send({ topic, event: 'phx_join', ref: '1', join_ref: '1', payload: { config: { private: true, broadcast: {}, presence: {}, postgres_changes: [] }, access_token: w.tokens.memberA } });
      const joined = (await socket.next((f) => (f as { ref?: string }).ref === '1', 'the join reply')) as { payload: { status: string } };
      expect(joined.payload.status).toBe('ok');
      socket.send({ topic, event: 'access_token', ref: '2', join_ref: '1', payload: { access_token: w.tokens.memberB } });
      await socket.next((f) => (f as { topic?: string; event?: string }).topic === topic && (f as { event?: string }).event === 'phx_close', 'phx_close');
      // and the closed channel no longer receives A's broadcasts
      const before = socket.frames.items.length;
      expect(await restBroadcast(w.tokens.memberA, privateTopicA(), { via: 'after-close' })).toBe(202);
      socket.send({ topic: 'phoenix', event: 'heartbeat', ref: '3', payload: {} });
      await socket.next((f) => (f as { ref?: string }).ref === '3', 'the heartbeat reply');
      expect(socket.frames.items.slice(before).some((f) => f.text?.includes('after-close'))).toBe(false);
    } finally {
      socket.close();
    }
  });
});

describe("distributor A's row changes", () => {
  /** Every role listens for message INSERTs (unfiltered and filtered to A) and for a marker every role may see. */
  test.each(ROLES)("%s receives A's new message only if it may see it", async (role) => {
    const c = (await freshClients())[role];
    const room = randomUUID();
    const seen = new Inbox<{ table: string; row: Record<string, unknown> }>();
    const push = (p: { table: string; new: Record<string, unknown> }) => seen.push({ table: p.table, row: p.new });
    const channel = c
      .channel(`matrix-${room}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages' }, push)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages', filter: `distributor_id=eq.${w.a.id}` }, push)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'conversations', filter: `distributor_id=eq.${w.a.id}` }, push);
    // the server may refuse the subscription (anon may not read these tables); either way it answers
    await subscribedStreaming(channel, { refusalIsAnswer: true });
    const marker = await subscribedStreaming(c.channel(`matrix-${room}-marker`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_markers', filter: `room=eq.${room}` }, push));
    const body = `matrix ${room}`;
    await customerWritesTo(w.a.number, body);
    await serviceClient().from('test_markers').insert({ room, value: 'marker' });
    await seen.until((items) => items.some((x) => x.table === 'test_markers'), 10_000, 'the marker');
    const ofA = seen.items.filter((x) => x.table !== 'test_markers');
    if (role === 'memberA' || role === 'service') {
      expect(ofA.some((x) => x.table === 'messages' && x.row.body === body)).toBe(true);
      expect(ofA.some((x) => x.table === 'conversations')).toBe(true);
    } else {
      expect(ofA).toEqual([]);
    }
    await c.removeChannel(channel);
    await c.removeChannel(marker);
  });

  // Filter values built to escape into SQL or PostgREST syntax, aimed at A's rows by a member of B.
  const escapes = (a: string) => [
    `distributor_id=eq.${a}`,
    `distributor_id=in.(${a})`,
    `distributor_id=in.("${a}")`,
    `distributor_id=eq.${a},or=(distributor_id.eq.${a})`,
    `or=(distributor_id.eq.${a})`,
    `body=eq.x' or '1'='1`,
    `body=eq.x"); select 1; --`,
    `body=like.%matrix%`,
    `body=ilike.*MATRIX*`,
    `body=match..*`,
    `body=imatch.^m`,
    `body=neq.nothing`,
    `body=isdistinct.nothing`,
    `id=is.null`,
    `id=not.is.null`,
    `seq=gt.0`,
    `seq=gte.0`,
    `seq=lt.9223372036854775807`,
    `seq=lte.9223372036854775807`,
    `distributor_id=eq.${a})`,
    `distributor_id=eq.(${a}`,
    `distributor_id = eq.${a}`,
    `body=eq.\\`,
    `body=in.(a,b)),(c`,
  ];

  test.each(['memberB', 'outsider', 'anon'] as const)("%s: no filter reaches A's rows", async (role) => {
    const c = (await freshClients())[role];
    const room = randomUUID();
    const leaked = new Inbox<unknown>();
    const marker = new Inbox<unknown>();
    const filters = escapes(w.a.id);
    // every operator the stand-in knows is in the list above
    for (const op of REALTIME_FILTER_OPERATORS) expect(filters.some((f) => f.includes(`=${op}.`)), op).toBe(true);
    const channels: RealtimeChannel[] = [];
    for (const filter of filters) {
      const ch = c.channel(`escape-${room}-${channels.length}`).on('postgres_changes', { event: '*', schema: 'public', table: 'messages', filter }, (p) => leaked.push({ filter, p }));
      channels.push(ch);
      // a filter the server refuses is fine; one it accepts must still show nothing of A's
      await subscribed(ch).catch(() => undefined);
    }
    const markerChannel = c.channel(`escape-${room}-marker`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_markers', filter: `room=eq.${room}` }, (p) => marker.push(p));
    await subscribedStreaming(markerChannel);
    await customerWritesTo(w.a.number, `matrix escape ${room}`);
    await serviceClient().from('test_markers').insert({ room, value: 'marker' });
    await marker.until((items) => items.length > 0, 10_000, 'the marker');
    expect(leaked.items).toEqual([]);
    for (const ch of [...channels, markerChannel]) await c.removeChannel(ch);
  });
});

describe('forged tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const forgeries = () => ({
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: w.a.memberId, role: 'authenticated', exp: now() + 3600 })}.`,
    'wrong secret': signHS256({ sub: w.a.memberId, role: 'authenticated', exp: now() + 3600 }, 'not-the-secret-not-the-secret-not-the-secret'),
    'service role, wrong secret': signHS256({ role: 'service_role', exp: now() + 3600 }, 'not-the-secret-not-the-secret-not-the-secret'),
    expired: signHS256({ sub: w.a.memberId, role: 'authenticated', exp: now() - 60 }, LOCAL_JWT_SECRET),
    'signature stripped': signHS256({ sub: w.a.memberId, role: 'authenticated', exp: now() + 3600 }, LOCAL_JWT_SECRET).replace(/\.[^.]+$/, '.'),
    garbage: 'a.b.c',
  });

  test.each(['alg none', 'wrong secret', 'service role, wrong secret', 'expired', 'signature stripped', 'garbage'])('%s: refused at the handshake', async (name) => {
    const token = forgeries()[name as keyof ReturnType<typeof forgeries>];
    await expect(RawSocket.open(standinUrl(), token)).rejects.toMatchObject({ status: 401 });
  });

  test.each(['alg none', 'wrong secret', 'service role, wrong secret', 'expired', 'signature stripped', 'garbage'])("%s: refused at join of A's private channel", async (name) => {
    const token = forgeries()[name as keyof ReturnType<typeof forgeries>];
    const socket = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY, '1.0.0');
    try {
      const topic = `realtime:${privateTopicA()}`;
      socket.send({ topic, event: 'phx_join', ref: '1', join_ref: '1', payload: { config: { private: true, broadcast: {}, presence: {}, postgres_changes: [] }, access_token: token } });
      const reply = (await socket.next((f) => (f as { ref?: string }).ref === '1', 'the join reply')) as { payload: { status: string } };
      expect(reply.payload.status).toBe('error');
    } finally {
      socket.close();
    }
  });

  test('a user deleted since its token was issued cannot join private channels', async () => {
    const user = await createTestUser('deleted');
    const token = (await user.client.auth.getSession()).data.session!.access_token;
    const { error } = await serviceClient().from('distributor_members').insert({ distributor_id: w.a.id, user_id: user.id, display_name: 'Soon gone' });
    expect(error).toBeNull();
    await serviceClient().auth.admin.deleteUser(user.id);
    const c = anonClient();
    c.realtime.setAuth(token);
    await expect(subscribed(c.channel(privateTopicA(), { config: { private: true } }))).rejects.toThrow(/Unauthorized|permission/i);
    await cleanup(c);
  });
});

/**
 * Subscribes and waits for the server's postgres_changes answer on the system channel: "Subscribed to
 * PostgreSQL" (from then on changes stream) or, with `refusalIsAnswer`, an error (nothing will stream).
 */
function subscribedStreaming(channel: RealtimeChannel, options: { refusalIsAnswer?: boolean } = {}): Promise<RealtimeChannel> {
  const answered = new Promise<void>((resolve, reject) => {
    channel.on('system', {}, (m: { extension?: string; status?: string; message?: string }) => {
      if (m.extension !== 'postgres_changes' && m.status !== 'error') return;
      if (m.status === 'ok' || options.refusalIsAnswer) resolve();
      else reject(new Error(`postgres_changes refused: ${m.message}`));
    });
  });
  return Promise.all([subscribed(channel), answered]).then(() => channel);
}

async function customerWritesTo(number: string, body: string) {
  const { error } = await serviceClient().rpc('ingest_inbound_message', { p: { message_sid: sid('SM'), to: `whatsapp:${number}`, from: `whatsapp:${randomNumber('+1555')}`, body } });
  if (error) throw new Error(error.message);
}
