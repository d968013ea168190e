import { createClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestUser, standinUrl } from './helpers/clients.ts';
import { cleanup, Inbox, RawSocket, subscribed } from './helpers/realtime.ts';
import { startOwnStandin, type OwnStandin } from './helpers/own-standin.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../src/keys.ts';

const topic = () => `realtime:t-${Math.random().toString(36).slice(2, 10)}`;

describe('heartbeat and framing', () => {
  test('vsn 2.0.0: array frames, heartbeat answered', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY, '2.0.0');
    ws.send([null, '11', 'phoenix', 'heartbeat', {}]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '11')).toEqual([null, '11', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    ws.close();
  });

  test('vsn 1.0.0: object frames, heartbeat answered', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY, '1.0.0');
    ws.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '8' });
    expect(await ws.next((f) => (f as { ref?: string }).ref === '8')).toEqual({ topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '8', join_ref: null });
    ws.close();
  });

  test('join reply echoes bindings with ids; leave answers ok then phx_close with ref = join_ref', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    const t = topic();
    ws.send(['6', '6', t, 'phx_join', { config: { broadcast: { self: false, ack: false }, presence: { key: '', enabled: false }, postgres_changes: [{ event: '*', schema: 'public', table: 'fixture_full' }], private: false } }]);
    const reply = (await ws.next((f) => Array.isArray(f) && f[3] === 'phx_reply')) as [string, string, string, string, { status: string; response: { postgres_changes: Array<Record<string, unknown>> } }];
    expect(reply.slice(0, 4)).toEqual(['6', '6', t, 'phx_reply']);
    expect(reply[4].status).toBe('ok');
    expect(reply[4].response.postgres_changes).toEqual([{ event: '*', schema: 'public', table: 'fixture_full', id: expect.any(Number) }]);
    expect(await ws.next((f) => Array.isArray(f) && f[3] === 'system')).toEqual(['6', null, t, 'system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: t.slice(9) }]);
    ws.send(['6', '11', t, 'phx_leave', {}]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '11')).toEqual(['6', '11', t, 'phx_reply', { status: 'ok', response: {} }]);
    expect(await ws.next((f) => Array.isArray(f) && f[3] === 'phx_close')).toEqual(['6', '6', t, 'phx_close', {}]);
    ws.close();
  });

  test('pushes to a topic that is not joined get "unmatched topic"; a duplicate join closes the first', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    const t = topic();
    ws.send(['1', '2', t, 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '2')).toEqual(['1', '2', t, 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }]);
    ws.send(['3', '3', 'elsewhere:x', 'phx_join', {}]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '3')).toMatchObject(['3', '3', 'elsewhere:x', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }]);
    ws.send(['4', '4', 'realtime:', 'phx_join', {}]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '4')).toEqual(['4', '4', 'realtime:', 'phx_reply', { status: 'error', response: { reason: 'TopicNameRequired: You must provide a topic name' } }]);
    ws.send(['5', '5', t, 'phx_join', { config: {} }]);
    await ws.next((f) => Array.isArray(f) && f[1] === '5');
    ws.send(['7', '7', t, 'phx_join', { config: {} }]);
    const close = await ws.next((f) => Array.isArray(f) && f[3] === 'phx_close');
    expect(close).toEqual(['5', '5', t, 'phx_close', {}]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '7')).toMatchObject(['7', '7', t, 'phx_reply', { status: 'ok' }]);
    ws.close();
  });

  test('garbage frames never hurt the server; the socket keeps working', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    const junk: unknown[] = ['not json', '[1,2', '{}', '[]', '[null,null,null,null,null]', '["1","1","realtime:x","phx_join","notanobject"]', Buffer.from([3, 250, 250, 250, 250, 250, 1]), Buffer.from([9, 9, 9]), Buffer.alloc(0), '[null,"1","realtime:x","phx_join",{"config":{"postgres_changes":"nope","presence":5,"broadcast":[]}}]'];
    for (let i = 0; i < 200; i++) junk.push(Buffer.from(Array.from({ length: (i % 40) + 1 }, () => Math.floor(Math.random() * 256))));
    for (const j of junk) ws.send(j as never);
    ws.send([null, '99', 'phoenix', 'heartbeat', {}]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '99')).toMatchObject([null, '99', 'phoenix', 'phx_reply', { status: 'ok' }]);
    ws.close();
  });

  test('the handshake refuses a missing or invalid apikey with 401 and a JSON error', async () => {
    await expect(RawSocket.open(standinUrl(), '')).rejects.toMatchObject({ status: 401, body: JSON.stringify({ error: 'API key is missing' }) });
    await expect(RawSocket.open(standinUrl(), 'garbage')).rejects.toMatchObject({ status: 401, body: JSON.stringify({ error: 'The token provided is not a valid JWT' }) });
  });

  test('supabase-js on vsn 1.0.0 subscribes and broadcasts', async () => {
    const client = createClient(standinUrl(), LOCAL_PUBLISHABLE_KEY, { realtime: { vsn: '1.0.0' }, auth: { persistSession: false } });
    const inbox = new Inbox<unknown>();
    const ch = await subscribed(client.channel(topic().slice(9), { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: 'e' }, (p) => inbox.push(p.payload)));
    expect(await ch.send({ type: 'broadcast', event: 'e', payload: { v: 1 } })).toBe('ok');
    expect(await inbox.until((i) => i.length === 1)).toEqual([{ v: 1 }]);
    await cleanup(client);
  });
});

describe('restart', () => {
  let own: OwnStandin | undefined;
  afterAll(async () => {
    await own?.destroy();
  });

  test('realtime-js reconnects and rejoins after the stand-in restarts', async () => {
    own = await startOwnStandin();
    const client = createClient(own.standin.url, LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false } });
    const statuses = new Inbox<string>();
    const got = new Inbox<unknown>();
    const channel = client.channel('restart-room', { config: { broadcast: { self: true } } }).on('broadcast', { event: 'ping' }, (p) => got.push(p.payload));
    channel.subscribe((status) => statuses.push(status));
    await statuses.until((s) => s.includes('SUBSCRIBED'));
    await own.stop();
    await statuses.until((s) => s.includes('CHANNEL_ERROR'), 10_000, 'CHANNEL_ERROR after the stop');
    await own.restart();
    await statuses.until((s) => s.lastIndexOf('SUBSCRIBED') > s.indexOf('CHANNEL_ERROR'), 30_000, 'SUBSCRIBED again');
    expect(await channel.send({ type: 'broadcast', event: 'ping', payload: { after: 'restart' } })).toBe('ok');
    expect(await got.until((g) => g.length === 1)).toEqual([{ after: 'restart' }]);
    await cleanup(client);
  }, 60_000);
});

test('a signed-in user subscribes with their token', async () => {
  const user = await createTestUser('rt-transport');
  await subscribed(user.client.channel(topic().slice(9)));
  await cleanup(user.client);
});
