import { createClient } from '@supabase/supabase-js';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createTestUser, standinUrl } from './helpers/clients.ts';
import { cleanup, Inbox, subscribed } from './helpers/realtime.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../src/keys.ts';

type User = Awaited<ReturnType<typeof createTestUser>>;
let alice: User;
let bob: User;
const name = () => `bc-${Math.random().toString(36).slice(2, 10)}`;
const anon = () => createClient(standinUrl(), LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false } });
const opened: ReturnType<typeof anon>[] = [];
const client = () => {
  const c = anon();
  opened.push(c);
  return c;
};

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('bc-alice'), createTestUser('bc-bob')]);
});
afterEach(async () => {
  await cleanup(...opened.splice(0), alice.client, bob.client);
});

describe('over the socket', () => {
  test('self: false keeps the sender out; self: true echoes; ack waits for the server', async () => {
    const room = name();
    const [a, b] = [client(), client()];
    const gotA = new Inbox<unknown>();
    const gotB = new Inbox<unknown>();
    const chA = await subscribed(a.channel(room, { config: { broadcast: { ack: true } } }).on('broadcast', { event: 'msg' }, (p) => gotA.push(p.payload)));
    await subscribed(b.channel(room, { config: { broadcast: { self: true } } }).on('broadcast', { event: 'msg' }, (p) => gotB.push(p.payload)));
    expect(await chA.send({ type: 'broadcast', event: 'msg', payload: { from: 'a' } })).toBe('ok');
    await gotB.until((g) => g.length === 1);
    const chB = b.channel(room);
    await chB.send({ type: 'broadcast', event: 'msg', payload: { from: 'b' } });
    await gotA.until((g) => g.length === 1);
    await gotB.until((g) => g.length === 2);
    expect(gotA.items).toEqual([{ from: 'b' }]);
    expect(gotB.items).toEqual([{ from: 'a' }, { from: 'b' }]);
  });

  test('binary payloads (vsn 2.0.0) arrive as bytes; event filters match', async () => {
    const room = name();
    const [a, b] = [client(), client()];
    const got = new Inbox<{ event: string; payload: unknown }>();
    const chA = await subscribed(a.channel(room, { config: { broadcast: { ack: true } } }));
    await subscribed(b.channel(room).on('broadcast', { event: 'bytes' }, (p) => got.push(p as never)));
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(await chA.send({ type: 'broadcast', event: 'other', payload: { ignored: true } })).toBe('ok');
    expect(await chA.send({ type: 'broadcast', event: 'bytes', payload: bytes.buffer })).toBe('ok');
    const [msg] = await got.until((g) => g.length === 1);
    expect(msg!.event).toBe('bytes');
    expect(new Uint8Array(msg!.payload as ArrayBuffer)).toEqual(bytes);
  });

  test('a public and a private channel of the same name never mix', async () => {
    const topic = `fixture:${alice.id}`;
    const pub = new Inbox<unknown>();
    const priv = new Inbox<unknown>();
    const publicChannel = await subscribed(client().channel(topic, { config: { broadcast: { ack: true, self: true } } }).on('broadcast', { event: 'e' }, (p) => pub.push(p.payload)));
    const privateChannel = await subscribed(alice.client.channel(topic, { config: { private: true, broadcast: { ack: true, self: true } } }).on('broadcast', { event: 'e' }, (p) => priv.push(p.payload)));
    expect(await publicChannel.send({ type: 'broadcast', event: 'e', payload: { to: 'public' } })).toBe('ok');
    expect(await privateChannel.send({ type: 'broadcast', event: 'e', payload: { to: 'private' } })).toBe('ok');
    await pub.until((g) => g.length === 1);
    await priv.until((g) => g.length === 1);
    expect(pub.items).toEqual([{ to: 'public' }]);
    expect(priv.items).toEqual([{ to: 'private' }]);
  });

  test('a private channel its user may read but not write drops their broadcasts (no ack)', async () => {
    const topic = `fixture-ro:${alice.id}`;
    const got = new Inbox<unknown>();
    const channel = await subscribed(alice.client.channel(topic, { config: { private: true, broadcast: { ack: true, self: true } } }).on('broadcast', { event: '*' }, (p) => got.push(p.payload)));
    expect(await channel.send({ type: 'broadcast', event: 'e', payload: { n: 1 } }, { timeout: 1500 })).toBe('timed out');
    // the socket is fine: a channel the user may write still works
    const writable = await subscribed(alice.client.channel(`fixture:${alice.id}`, { config: { private: true, broadcast: { ack: true } } }));
    expect(await writable.send({ type: 'broadcast', event: 'e', payload: {} })).toBe('ok');
    expect(got.items).toEqual([]);
  });
});

describe('REST', () => {
  test('the batch endpoint (202) reaches subscribers; send() falls back to it when not joined', async () => {
    const room = name();
    const got = new Inbox<unknown>();
    await subscribed(client().channel(room).on('broadcast', { event: 'rest' }, (p) => got.push(p.payload)));
    const res = await fetch(`${standinUrl()}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: room, event: 'rest', payload: { n: 1 } }] }),
    });
    expect(res.status).toBe(202);
    const notJoined = client().channel(room);
    expect(await notJoined.send({ type: 'broadcast', event: 'rest', payload: { n: 2 } })).toBe('ok');
    expect(await got.until((g) => g.length === 2)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  test('httpSend uses the per-event endpoint (202), JSON and bytes', async () => {
    const room = name();
    const got = new Inbox<unknown>();
    await subscribed(client().channel(room).on('broadcast', { event: 'http' }, (p) => got.push(p.payload)));
    const sender = client().channel(room);
    expect(await sender.httpSend('http', { via: 'httpSend' })).toEqual({ success: true });
    const raw = await fetch(`${standinUrl()}/realtime/v1/api/broadcast/${room}/events/http`, {
      method: 'POST',
      headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array([7, 8, 9]),
    });
    expect(raw.status).toBe(202);
    await got.until((g) => g.length === 2);
    expect(got.items[0]).toEqual({ via: 'httpSend' });
    expect(new Uint8Array(got.items[1] as ArrayBuffer)).toEqual(new Uint8Array([7, 8, 9]));
  });

  test('private topics need write permission: 403 per event, silently dropped in a batch', async () => {
    const topic = `fixture:${alice.id}`;
    const got = new Inbox<unknown>();
    await subscribed(alice.client.channel(topic, { config: { private: true } }).on('broadcast', { event: '*' }, (p) => got.push(p.payload)));
    const bobToken = (await bob.client.auth.getSession()).data.session!.access_token;
    const aliceToken = (await alice.client.auth.getSession()).data.session!.access_token;
    const post = (token: string, path: string, body: unknown) =>
      fetch(`${standinUrl()}/realtime/v1/api/broadcast${path}`, {
        method: 'POST',
        headers: { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(bobToken, `/${topic}/events/x?private=true`, { from: 'bob' })).status).toBe(403);
    expect((await post(bobToken, '', { messages: [{ topic, event: 'x', payload: { from: 'bob' }, private: true }] })).status).toBe(202);
    expect((await post(aliceToken, '', { messages: [{ topic, event: 'x', payload: { from: 'alice' }, private: true }] })).status).toBe(202);
    await got.until((g) => g.length >= 1);
    expect(got.items).toEqual([{ from: 'alice' }]);
  });

  test('bad requests get clear errors; CORS preflight is answered', async () => {
    const url = `${standinUrl()}/realtime/v1/api/broadcast`;
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    const bad = await fetch(url, { method: 'POST', headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' }, body: '{"messages":[{"event":"x"}]}' });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ errors: expect.any(Object) });
    const text = await fetch(`${url}/room/events/e`, { method: 'POST', headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey, content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });
});
