// Attacks on the realtime server, each with the behaviour that defeats it: content oracles through DELETE
// filters, filters that stall the process, limits a burst walks through, bodies and frames built to break
// handlers. "Nothing arrives" is proven with a marker that does arrive after the change under test on the same
// channel (one frame per channel per change carries every binding that matched, in commit order).
import net from 'node:net';
import { createClient, type RealtimeChannel, type RealtimePostgresChangesPayload, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createTestUser, serviceClient, standinUrl } from './helpers/clients.ts';
import { startOwnStandin, type OwnStandin } from './helpers/own-standin.ts';
import { cleanup, Inbox, RawSocket, subscribed } from './helpers/realtime.ts';
import { LIMITS } from '../src/protocol/constants.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../src/keys.ts';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;
type User = Awaited<ReturnType<typeof createTestUser>>;
type Frame = [string | null, string | null, string, string, Record<string, unknown>];
let alice: User;
let bob: User;
const opened: SupabaseClient[] = [];
const anon = () => {
  const c = createClient(standinUrl(), LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false } });
  opened.push(c);
  return c;
};
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const isFrame = (f: unknown): f is Frame => Array.isArray(f) && f.length === 5;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('hard-alice'), createTestUser('hard-bob')]);
});
afterEach(async () => {
  await cleanup(...opened.splice(0), alice.client, bob.client);
});

/** Subscribes and waits for "Subscribed to PostgreSQL" as well: from then on every commit streams. */
async function streaming(channel: RealtimeChannel): Promise<RealtimeChannel> {
  const ok = new Promise<void>((resolve, reject) =>
    channel.on('system', {}, (m: { extension?: string; status?: string; message?: string }) => {
      if (m.extension !== 'postgres_changes') return;
      if (m.status === 'ok') resolve();
      else reject(new Error(m.message));
    }),
  );
  await Promise.all([subscribed(channel), ok]);
  return channel;
}

describe('DELETE is no content oracle', () => {
  test("a filter on another tenant's content never matches their DELETE; key-only old records go where hosted sends them", async () => {
    const secret = unique('alice-secret-body');
    const { data: row } = await alice.client.from('fixture_events').insert({ room: unique('room'), body: secret, label: secret }).select('id').single();
    const id = row!.id as number;

    const guesses = new Inbox<Change>();
    const unfiltered = new Inbox<Change>();
    const byKey = new Inbox<Change>();
    await streaming(
      bob.client
        .channel(unique('oracle'))
        .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'fixture_events', filter: `body=eq.${secret}` }, (p: Change) => guesses.push(p))
        .on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_events', filter: `label=like.${secret.slice(0, 5)}%` }, (p: Change) => guesses.push(p))
        .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'fixture_events', filter: `body=neq.not-${secret}` }, (p: Change) => guesses.push(p))
        .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'fixture_events', filter: `id=eq.${id}` }, (p: Change) => byKey.push(p))
        .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'fixture_events' }, (p: Change) => unfiltered.push(p)),
    );
    expect((await alice.client.from('fixture_events').delete().eq('id', id)).error).toBeNull();

    // the unfiltered binding shares the frame: once it has the DELETE, every matching binding had it too
    const [del] = (await unfiltered.until((c) => c.some((d) => (d.old as { id?: number }).id === id), 10_000, 'the delete')).filter((d) => (d.old as { id?: number }).id === id);
    expect(del!.old).toEqual({ id }); // the key and nothing else: no body, no owner
    expect(JSON.stringify(del)).not.toContain(secret);
    expect(byKey.items.map((d) => d.old)).toEqual([{ id }]);
    expect(guesses.items).toEqual([]);
  });
});

describe('a pattern filter cannot stall the server', () => {
  test("an adversarial like filter against another tenant's 4,096-character message: REST keeps answering, delivery goes on", async () => {
    const r = unique('stall');
    const adversarial = `%${'a%'.repeat(16)}b`; // a backtracking matcher needs ~n^17 steps on 'aaaa…'
    const bobLike = new Inbox<Change>();
    const bobRoom = new Inbox<Change>();
    await streaming(
      bob.client
        .channel(unique('like'))
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_events', filter: `body=like.${adversarial}` }, (p: Change) => bobLike.push(p))
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_events', filter: `room=eq.${r}` }, (p: Change) => bobRoom.push(p)),
    );
    const aliceRoom = new Inbox<Change>();
    await streaming(alice.client.channel(unique('mine')).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_events', filter: `room=eq.${r}` }, (p: Change) => aliceRoom.push(p)));

    expect((await alice.client.from('fixture_events').insert({ room: r, body: 'a'.repeat(4096) })).error).toBeNull();
    // a request made while that change is being matched is answered, and so is the next one on the socket
    const read = await alice.client.from('fixture_events').select('id').eq('room', r);
    expect(read.error).toBeNull();
    expect(read.data).toHaveLength(1);
    await aliceRoom.until((c) => c.length === 1, 10_000, "alice's own change");

    // on bob's own rows the pattern is evaluated, and right
    expect((await bob.client.from('fixture_events').insert({ room: r, body: `${'a'.repeat(4095)}b` })).error).toBeNull();
    expect((await bob.client.from('fixture_events').insert({ room: r, body: 'a'.repeat(4096) })).error).toBeNull();
    await bobRoom.until((c) => c.length === 2, 10_000, "bob's two rows");
    expect(bobLike.items.map((c) => (c.new as { body: string }).body.slice(-2))).toEqual(['ab']);
  });

  test('pattern filters are bounded at join: an over-long pattern is a clear error', async () => {
    const errors = new Inbox<{ status: string; message: string }>();
    await subscribed(
      bob.client
        .channel(unique('long'))
        .on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_events', filter: `body=like.${'%a'.repeat(200)}` }, () => {})
        .on('system', {}, (p: { status: string; message: string }) => errors.push(p)),
    );
    const [msg] = await errors.until((e) => e.length > 0);
    expect(msg).toMatchObject({ status: 'error' });
    expect(msg!.message).toMatch(/^Error parsing `filter` params: like\..*like patterns are limited to 256 characters$/);
  });
});

describe('limits hold under a burst', () => {
  test(`${LIMITS.maxChannelsPerSocket + 50} joins sent at once on one socket: ${LIMITS.maxChannelsPerSocket} accepted, the rest refused; a leave frees a slot`, async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    const prefix = unique('burst');
    const total = LIMITS.maxChannelsPerSocket + 50;
    // each join awaits the database (a postgres_changes binding), which is where check-then-add raced
    const join = (i: number) => [String(i), String(i), `realtime:${prefix}-${i}`, 'phx_join', { config: { postgres_changes: [{ event: 'INSERT', schema: 'public', table: 'fixture_full', filter: `room=eq.${prefix}` }] } }];
    for (let i = 0; i < total; i++) ws.ws.send(JSON.stringify(join(i)));
    const replies = () => ws.frames.items.map((f) => f.parsed).filter((f): f is Frame => isFrame(f) && f[3] === 'phx_reply' && f[2].startsWith(`realtime:${prefix}-`));
    await ws.frames.until(() => replies().length === total, 20_000, 'every join answered');
    const statuses = replies().map((f) => (f[4] as { status: string }).status);
    expect(statuses.filter((s) => s === 'ok')).toHaveLength(LIMITS.maxChannelsPerSocket);
    const refused = replies().filter((f) => (f[4] as { status: string }).status === 'error');
    expect(refused).toHaveLength(50);
    for (const f of refused) expect(f[4]).toEqual({ status: 'error', response: { reason: 'ChannelRateLimitReached: Too many channels' } });

    const accepted = replies().find((f) => (f[4] as { status: string }).status === 'ok')!;
    ws.send([accepted[0], 'leave', accepted[2], 'phx_leave', {}]);
    await ws.next((f) => isFrame(f) && f[1] === 'leave', 'the leave reply');
    ws.send(['again', 'again', `realtime:${prefix}-again`, 'phx_join', { config: {} }]);
    expect(((await ws.next((f) => isFrame(f) && f[1] === 'again', 'the join after a leave')) as Frame)[4]).toMatchObject({ status: 'ok' });
    ws.send(['over', 'over', `realtime:${prefix}-over`, 'phx_join', { config: {} }]);
    expect(((await ws.next((f) => isFrame(f) && f[1] === 'over', 'one join too many')) as Frame)[4]).toMatchObject({ status: 'error' });
    ws.close();
  });

  test('refused joins hold no slot: a burst of bad tokens leaves every slot to the good joins', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    const prefix = unique('badtok');
    for (let i = 0; i < 60; i++) ws.ws.send(JSON.stringify([`b${i}`, `b${i}`, `realtime:${prefix}-bad-${i}`, 'phx_join', { config: {}, access_token: 'not.a.jwt' }]));
    for (let i = 0; i < LIMITS.maxChannelsPerSocket; i++) ws.ws.send(JSON.stringify([`g${i}`, `g${i}`, `realtime:${prefix}-good-${i}`, 'phx_join', { config: {} }]));
    const replies = () => ws.frames.items.map((f) => f.parsed).filter((f): f is Frame => isFrame(f) && f[3] === 'phx_reply' && f[2].startsWith(`realtime:${prefix}-`));
    await ws.frames.until(() => replies().length === 60 + LIMITS.maxChannelsPerSocket, 20_000, 'every join answered');
    expect(replies().filter((f) => f[2].includes('-good-') && (f[4] as { status: string }).status === 'ok')).toHaveLength(LIMITS.maxChannelsPerSocket);
    ws.close();
  });
});

describe('REST broadcast: every malformed body is a 4xx with a JSON reason, and costs nobody else anything', () => {
  test('bad escapes, non-JSON, wrong shapes, wrong types, deep nesting, huge bodies', async () => {
    const room = unique('rest');
    const got = new Inbox<Record<string, unknown>>();
    await subscribed(anon().channel(room).on('broadcast', { event: '*' }, (p) => got.push(p.payload as Record<string, unknown>)));
    const base = `${standinUrl()}/realtime/v1/api/broadcast`;
    const post = (path: string, body: BodyInit, type = 'application/json') =>
      fetch(`${base}${path}`, { method: 'POST', headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': type }, body });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const msg = (m: Record<string, unknown>) => JSON.stringify({ messages: [{ topic: room, event: 'e', payload: { bad: true }, ...m }] });
    const cases: Array<[string, () => Promise<Response>, number]> = [
      ['bad percent escape in the topic', () => post('/%E0%A4%A/events/e', '{}'), 400],
      ['bad percent escape in the event', () => post(`/${room}/events/%ZZ`, '{}'), 400],
      ['bad JSON escape (batch)', () => post('', `{"messages":[{"topic":"${room}","event":"e","payload":{"s":"\\uZZZZ"}}]}`), 400],
      ['bad JSON escape (per event)', () => post(`/${room}/events/e`, '{"s":"\\x"}'), 400],
      ['not JSON', () => post('', 'messages=1'), 400],
      ['truncated JSON', () => post('', '{"messages":[{"topic":'), 400],
      ['invalid UTF-8', () => post('', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 400],
      ['deeply nested (batch)', () => post('', JSON.stringify({ messages: [{ topic: room, event: 'e', payload: { x: 1 } }] }).replace('{"x":1}', `{"x":${deep}}`)), 400],
      ['deeply nested (per event)', () => post(`/${room}/events/e`, `{"x":${deep}}`), 400],
      ['JSON, not an object', () => post('', '[1,2,3]'), 422],
      ['JSON string', () => post('', '"messages"'), 422],
      ['no messages', () => post('', '{}'), 422],
      ['messages not an array', () => post('', '{"messages":{"topic":"x"}}'), 422],
      ['a message that is not an object', () => post('', '{"messages":[5]}'), 422],
      ['topic a number', () => post('', msg({ topic: 5 })), 422],
      ['event an object', () => post('', msg({ event: { x: 1 } })), 422],
      ['payload a string', () => post('', msg({ payload: 'text' })), 422],
      ['private neither boolean nor "true"/"false"', () => post('', msg({ private: 'maybe' })), 422],
      ['one bad message spoils the batch', () => post('', JSON.stringify({ messages: [{ topic: room, event: 'e', payload: { bad: true } }, { topic: 7, event: 'e' }] })), 422],
      ['too many messages', () => post('', JSON.stringify({ messages: Array.from({ length: 101 }, () => ({ topic: room, event: 'e', payload: { bad: true } })) })), 429],
      ['over the payload limit (batch)', () => post('', JSON.stringify({ messages: [{ topic: room, event: 'e', payload: { bad: 'x'.repeat(LIMITS.maxPayloadBytes) } }] })), 413],
      ['over the payload limit (bytes)', () => post(`/${room}/events/e`, new Uint8Array(LIMITS.maxPayloadBytes + 1), 'application/octet-stream'), 413],
    ];
    for (const [name, send, status] of cases) {
      const res = await send();
      expect(res.status, name).toBe(status);
      expect(res.headers.get('content-type'), name).toMatch(/^application\/json/);
      expect(Object.keys((await res.json()) as object).length, name).toBeGreaterThan(0);
    }
    // the server is fine and the topic still works: the marker arrives, and nothing bad arrived before it
    expect((await post('', JSON.stringify({ messages: [{ topic: room, event: 'e', payload: { marker: true } }] }))).status).toBe(202);
    await got.until((g) => g.some((p) => p.marker === true), 10_000, 'the marker');
    expect(got.items).toEqual([{ marker: true }]);
  });
});

describe('malformed HTTP and upgrade targets', () => {
  let own: OwnStandin | undefined;
  afterAll(async () => {
    await own?.destroy();
  });

  /** Sends raw bytes and resolves with everything the server answers before closing the connection. */
  function rawHttp(port: number, request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }
  const upgradeHeaders = 'Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

  test('an absolute-form upgrade target that does not parse is answered 400; malformed HTTP gets 400; the stand-in serves on', async () => {
    own = await startOwnStandin();
    const { port, url } = own.standin;
    for (const target of ['http://[', 'http://[::1', '//[', 'http://%zz/realtime/v1/websocket', '*']) {
      const answer = await rawHttp(port, `GET ${target} HTTP/1.1\r\n${upgradeHeaders}`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(await rawHttp(port, `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawHttp(port, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawHttp(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    // an absolute-form target that parses is served like its origin form
    expect(await rawHttp(port, `GET http://127.0.0.1/realtime/v1/websocket?vsn=2.0.0 HTTP/1.1\r\n${upgradeHeaders}`)).toMatch(/^HTTP\/1\.1 401 /);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const client = createClient(url, LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false } });
    const got = new Inbox<unknown>();
    const channel = await subscribed(client.channel('after-garbage', { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: 'e' }, (p) => got.push(p.payload)));
    expect(await channel.send({ type: 'broadcast', event: 'e', payload: { alive: true } })).toBe('ok');
    expect(await got.until((g) => g.length === 1)).toEqual([{ alive: true }]);
    await cleanup(client);
  }, 60_000);
});

describe('garbage on one socket harms that socket only', () => {
  test("junk frames, garbage joins and an oversized frame: each gets its protocol answer, another client's broadcasts and changes keep flowing", async () => {
    const room = unique('victim');
    // the bystander: a broadcast listener and a postgres_changes listener
    const bystander = anon();
    const broadcasts = new Inbox<Record<string, unknown>>();
    const changes = new Inbox<Change>();
    await streaming(
      bystander
        .channel(room)
        .on('broadcast', { event: '*' }, (p) => broadcasts.push(p.payload as Record<string, unknown>))
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_full', filter: `room=eq.${room}` }, (p: Change) => changes.push(p)),
    );

    const attacker = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    // frames that are not Phoenix messages are dropped: no ref to answer, and the socket stays usable
    for (const junk of [Buffer.from([0, 1, 2, 3, 255]), Buffer.from([3, 200, 200, 200, 200, 200, 1]), 'not json', '{"a":', '42', 'null', '{"topic":"x"}', '[1,2,3,4,5]', `[null,"1","realtime:${room}","broadcast",{"deep":${deep}}]`]) {
      attacker.ws.send(junk);
    }
    attacker.send([null, 'hb1', 'phoenix', 'heartbeat', {}]);
    expect(await attacker.next((f) => isFrame(f) && f[1] === 'hb1', 'heartbeat after junk')).toMatchObject([null, 'hb1', 'phoenix', 'phx_reply', { status: 'ok' }]);

    // joins with garbage configs: every one is answered, then told on its system channel whether its bindings
    // subscribed (SQL in a filter value is only ever a value) or were refused (everything malformed)
    const full = { event: 'INSERT', schema: 'public', table: 'fixture_full' };
    const garbage: Array<[unknown, 'ok' | 'error']> = [
      [{ ...full, event: { toString: 1 } }, 'error'],
      [{ ...full, schema: ['public'] }, 'error'],
      [{ ...full, filter: 123 }, 'error'],
      [{ ...full, filter: `room=eq.x' or '1'='1` }, 'ok'], // a value, and only ever a value
      [{ ...full, filter: 'room=eq.x"); select 1; --' }, 'error'], // an unbalanced quote
      [{ ...full, filter: `or=(room.eq.${room})` }, 'error'],
      [{ ...full, filter: 'room=in.(a,b)),(c' }, 'error'],
      [{ ...full, filter: 'room=eq.(x' }, 'error'],
      [{ ...full, filter: 'room=match.(a+)+$(?=x)' }, 'error'],
      [{ ...full, filter: `room=eq.${'x'.repeat(LIMITS.maxFilterLength)}` }, 'error'],
      [{ ...full, select: [{ col: 1 }] }, 'error'],
      [Array.from({ length: LIMITS.maxBindingsPerChannel + 1 }, () => full), 'error'],
    ];
    const topics = garbage.map(() => `realtime:${unique('garbage')}`);
    garbage.forEach(([binding], i) => {
      attacker.ws.send(JSON.stringify([`g${i}`, `g${i}`, topics[i], 'phx_join', { config: { postgres_changes: Array.isArray(binding) ? binding : [binding] } }]));
    });
    attacker.ws.send(JSON.stringify(['cfg', 'cfg', `realtime:${unique('garbage')}`, 'phx_join', { config: 'nope', access_token: { a: 1 } }]));
    const parsed = () => attacker.frames.items.map((f) => f.parsed).filter(isFrame);
    const system = (topic: string) => parsed().find((f) => f[2] === topic && f[3] === 'system');
    await attacker.frames.until(() => parsed().some((f) => f[1] === 'cfg' && f[3] === 'phx_reply') && topics.every((t) => system(t)), 10_000, 'every garbage join answered');
    garbage.forEach(([binding, expected], i) => {
      expect(parsed().find((f) => f[1] === `g${i}` && f[3] === 'phx_reply')![4], JSON.stringify(binding).slice(0, 100)).toMatchObject({ status: 'ok' });
      expect(system(topics[i]!)![4], JSON.stringify(binding).slice(0, 100)).toMatchObject({ extension: 'postgres_changes', status: expected });
    });

    // an unknown event and a push to a topic never joined: ignored and "unmatched topic"
    attacker.send(['g0', 'u1', topics[0], 'no_such_event', {}]);
    attacker.send([null, 'u2', 'realtime:never-joined', 'broadcast', { type: 'broadcast', event: 'e', payload: {} }]);
    expect(await attacker.next((f) => isFrame(f) && f[1] === 'u2', 'unmatched topic')).toEqual([null, 'u2', 'realtime:never-joined', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }]);

    // on the bystander's topic: a deeply nested presence meta is dropped, so the presence state everyone
    // receives on join stays encodable; then a frame over the size limit ends the attacker's socket (1009)
    attacker.send(['v', 'v', `realtime:${room}`, 'phx_join', { config: { presence: { key: 'attacker' } } }]);
    await attacker.next((f) => isFrame(f) && f[1] === 'v', 'join of the victim topic');
    attacker.ws.send(`["v","t1","realtime:${room}","presence",{"type":"presence","event":"track","payload":{"x":${deep}}}]`);
    attacker.send(['v', 'b1', `realtime:${room}`, 'broadcast', { type: 'broadcast', event: 'e', payload: { from: 'attacker', ok: true } }]);
    await broadcasts.until((b) => b.some((p) => p.from === 'attacker'), 10_000, "the attacker's well-formed broadcast");
    const late = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    late.send(['l', 'l', `realtime:${room}`, 'phx_join', { config: { presence: { key: 'late' } } }]);
    expect(await late.next((f) => isFrame(f) && f[3] === 'presence_state', 'presence_state for a later joiner')).toEqual(['l', null, `realtime:${room}`, 'presence_state', {}]);
    late.close();

    const closed = new Promise<number>((resolve) => attacker.ws.once('close', (code) => resolve(code)));
    attacker.ws.send('x'.repeat(8 * 1024 * 1024 + 1));
    expect(await closed).toBe(1009);

    // the bystander still receives broadcasts and postgres_changes
    const sender = await subscribed(anon().channel(room, { config: { broadcast: { ack: true } } }));
    expect(await sender.send({ type: 'broadcast', event: 'e', payload: { marker: 'broadcast' } })).toBe('ok');
    expect((await serviceClient().from('fixture_full').insert({ room, value: 'marker' })).error).toBeNull();
    await broadcasts.until((b) => b.some((p) => p.marker === 'broadcast'), 10_000, 'the broadcast marker');
    await changes.until((c) => c.length === 1, 10_000, 'the postgres_changes marker');
    expect(broadcasts.items).toEqual([{ from: 'attacker', ok: true }, { marker: 'broadcast' }]);
  });
});
