import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createTestUser, serviceClient } from './helpers/clients.ts';
import { Inbox, subscribed } from './helpers/realtime.ts';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;
let alice: Awaited<ReturnType<typeof createTestUser>>;
let bob: Awaited<ReturnType<typeof createTestUser>>;
const clients: SupabaseClient[] = [];
const room = () => `room-${Math.random().toString(36).slice(2, 10)}`;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('rt-alice'), createTestUser('rt-bob')]);
  clients.push(alice.client, bob.client);
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.removeAllChannels()));
});

async function listen(client: SupabaseClient, filter: { event: '*' | 'INSERT' | 'UPDATE' | 'DELETE'; table?: string; filter?: string }) {
  const inbox = new Inbox<Change>();
  const channel = client
    .channel(`pg-${Math.random().toString(36).slice(2)}`)
    .on('postgres_changes', { schema: 'public', table: 'fixture_events', ...filter } as never, (p: Change) => inbox.push(p));
  await subscribed(channel);
  return inbox;
}

describe('events', () => {
  test('INSERT, UPDATE and DELETE arrive with typed records; the old record is the key (replica identity default)', async () => {
    const r = room();
    // A DELETE is matched against the old tuple replication carries, the primary key: the room filter never
    // matches one, an unfiltered binding does. Both share a channel: one frame per change names every match.
    const inbox = new Inbox<Change>();
    const deletes = new Inbox<Change>();
    await subscribed(
      alice.client
        .channel(`events-${r}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_events', filter: `room=eq.${r}` }, (p: Change) => inbox.push(p))
        .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'fixture_events' }, (p: Change) => deletes.push(p)),
    );
    const ins = await alice.client.from('fixture_events').insert({ room: r, n: 1, price: 9.5, label: 'one', flag: true, tags: ['a', 'b'], meta: { k: [1, 2] } }).select('id').single();
    const id = ins.data!.id;
    await alice.client.from('fixture_events').update({ n: 2, label: 'two' }).eq('id', id);
    // RLS is checked by looking the row up after commit: delete it only once the update has been delivered
    const [insert, update] = await inbox.until((c) => c.length >= 2, 10_000, 'insert and update');
    await alice.client.from('fixture_events').delete().eq('id', id);
    const [del] = (await deletes.until((c) => c.some((d) => (d.old as { id?: number }).id === id), 10_000, 'the delete')).filter((d) => (d.old as { id?: number }).id === id);
    expect(insert).toMatchObject({ eventType: 'INSERT', schema: 'public', table: 'fixture_events', old: {}, errors: null });
    expect(insert!.new).toMatchObject({ id, room: r, n: 1, price: 9.5, label: 'one', flag: true, tags: ['a', 'b'], meta: { k: [1, 2] }, owner_id: alice.id });
    expect((insert!.new as { happened_at: string }).happened_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.?\d*\+00:00$/);
    expect(insert!.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(update).toMatchObject({ eventType: 'UPDATE', new: { id, n: 2, label: 'two' }, old: { id } });
    expect(Object.keys(update!.old)).toEqual(['id']);
    expect(del).toMatchObject({ eventType: 'DELETE', new: {}, old: { id } });
    expect(Object.keys(del!.old)).toEqual(['id']);
    expect(inbox.items.map((c) => c.eventType)).toEqual(['INSERT', 'UPDATE']);
  });

  test('an event filter on INSERT ignores updates and deletes', async () => {
    const r = room();
    const inbox = await listen(alice.client, { event: 'INSERT', filter: `room=eq.${r}` });
    const ins = await alice.client.from('fixture_events').insert({ room: r, n: 1 }).select('id').single();
    await alice.client.from('fixture_events').update({ n: 5 }).eq('id', ins.data!.id);
    await alice.client.from('fixture_events').insert({ room: r, n: 2 });
    const got = await inbox.until((c) => c.length >= 2, 10_000, 'two inserts');
    expect(got.map((c) => [c.eventType, (c.new as { n: number }).n])).toEqual([['INSERT', 1], ['INSERT', 2]]);
  });

  test('replica identity full: updates and deletes carry the whole old row', async () => {
    const r = room();
    const inbox = new Inbox<Change>();
    await subscribed(alice.client.channel(`full-${r}`).on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_full', filter: `room=eq.${r}` }, (p: Change) => inbox.push(p)));
    const ins = await serviceClient().from('fixture_full').insert({ room: r, value: 'v1' }).select('id').single();
    await serviceClient().from('fixture_full').update({ value: 'v2' }).eq('id', ins.data!.id);
    await serviceClient().from('fixture_full').delete().eq('id', ins.data!.id);
    const [, update, del] = await inbox.until((c) => c.length >= 3);
    expect(update!.old).toEqual({ id: ins.data!.id, room: r, value: 'v1' });
    expect(del!.old).toEqual({ id: ins.data!.id, room: r, value: 'v2' });
  });
});

describe('filters', () => {
  const seed = async (r: string) => {
    const rows: Array<Record<string, unknown>> = [
      { room: r, n: 1, price: 1.25, label: 'apple', flag: true, happened_at: '2026-01-01T00:00:00Z' },
      { room: r, n: 5, price: 10, label: 'Banana', flag: false, happened_at: '2026-06-01T00:00:00Z' },
      { room: r, n: 10, price: null, label: null, flag: null, happened_at: '2026-12-01T00:00:00Z' },
    ];
    for (const row of rows) expect((await alice.client.from('fixture_events').insert(row)).error).toBeNull();
  };
  const cases: Array<[string, (r: string) => string, number[]]> = [
    ['eq', (r) => `room=eq.${r},n=eq.5`, [5]],
    ['neq', (r) => `room=eq.${r},n=neq.5`, [1, 10]],
    ['lt', (r) => `room=eq.${r},n=lt.5`, [1]],
    ['lte', (r) => `room=eq.${r},n=lte.5`, [1, 5]],
    ['gt', (r) => `room=eq.${r},price=gt.2`, [5]],
    ['gte', (r) => `room=eq.${r},happened_at=gte.2026-06-01T00:00:00Z`, [5, 10]],
    ['in', (r) => `room=eq.${r},n=in.(1,10,99)`, [1, 10]],
    ['not.in', (r) => `room=eq.${r},n=not.in.(1,10)`, [5]],
    ['like (percent)', (r) => `room=eq.${r},label=like.%an%`, [5]],
    ['ilike', (r) => `room=eq.${r},label=ilike.b%`, [5]],
    ['is.null', (r) => `room=eq.${r},label=is.null`, [10]],
    ['not.is.null', (r) => `room=eq.${r},label=not.is.null`, [1, 5]],
    ['is.true', (r) => `room=eq.${r},flag=is.true`, [1]],
    ['is.false', (r) => `room=eq.${r},flag=is.false`, [5]],
    ['not.eq', (r) => `room=eq.${r},label=not.eq.apple`, [5]],
  ];
  test.each(cases)('%s', async (_name, filter, expected) => {
    const r = room();
    const inbox = await listen(alice.client, { event: 'INSERT', filter: filter(r) });
    await seed(r);
    // a marker row that every filter lets through proves all earlier rows were considered
    const marker = await listen(alice.client, { event: 'INSERT', filter: `room=eq.${r}` });
    await alice.client.from('fixture_events').insert({ room: r, n: 1000 });
    await marker.until((c) => c.some((x) => (x.new as { n: number }).n === 1000), 10_000, 'marker');
    const ns = inbox.items.map((c) => (c.new as { n: number }).n).filter((n) => n !== 1000);
    expect(ns).toEqual(expected);
  });

  test('a bad filter is reported on the system channel and subscribes nothing', async () => {
    const errors = new Inbox<{ status: string; message: string }>();
    const channel = alice.client
      .channel(`bad-${room()}`)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_events', filter: 'nope=eq.1' }, () => {})
      .on('system', {}, (p: { status: string; message: string }) => errors.push(p));
    await subscribed(channel);
    const [msg] = await errors.until((e) => e.length > 0);
    expect(msg).toMatchObject({ status: 'error' });
    expect(msg!.message).toMatch(/^Error parsing `filter` params/);
  });

  test('a table outside the publication is an error', async () => {
    const errors = new Inbox<{ status: string; message: string; extension: string }>();
    await subscribed(
      alice.client
        .channel(`unpub-${room()}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_unpublished' }, () => {})
        .on('system', {}, (p: { status: string; message: string; extension: string }) => errors.push(p)),
    );
    const [msg] = await errors.until((e) => e.length > 0);
    expect(msg).toMatchObject({ extension: 'postgres_changes', status: 'error' });
    expect(msg!.message).toMatch(/^Unable to subscribe to changes with given parameters/);
  });
});

describe('security', () => {
  test('RLS: each subscriber sees only the rows its policies show it', async () => {
    const r = room();
    const [a, b] = await Promise.all([listen(alice.client, { event: 'INSERT', filter: `room=eq.${r}` }), listen(bob.client, { event: 'INSERT', filter: `room=eq.${r}` })]);
    await alice.client.from('fixture_events').insert({ room: r, label: 'alice-1' });
    await bob.client.from('fixture_events').insert({ room: r, label: 'bob-1' });
    await alice.client.from('fixture_events').insert({ room: r, label: 'alice-2' });
    await a.until((c) => c.length >= 2);
    await b.until((c) => c.length >= 1);
    // bob's marker after alice-2 proves alice-2 was processed for bob too
    await bob.client.from('fixture_events').insert({ room: r, label: 'bob-2' });
    await b.until((c) => c.length >= 2);
    expect(a.items.map((c) => (c.new as { label: string }).label)).toEqual(['alice-1', 'alice-2']);
    expect(b.items.map((c) => (c.new as { label: string }).label)).toEqual(['bob-1', 'bob-2']);
  });

  test('column privileges: a column the role may not SELECT is never sent', async () => {
    const r = room();
    const inbox = await listen(alice.client, { event: 'INSERT', filter: `room=eq.${r}` });
    await serviceClient().from('fixture_events').insert({ room: r, owner_id: alice.id, secret: 'hunter2', label: 'x' });
    const [change] = await inbox.until((c) => c.length >= 1);
    expect(change!.new).toMatchObject({ label: 'x' });
    expect(change!.new).not.toHaveProperty('secret');
    expect(JSON.stringify(change)).not.toContain('hunter2');
  });

  test('a filter on a column the role may not read is refused', async () => {
    const errors = new Inbox<{ status: string }>();
    await subscribed(
      alice.client
        .channel(`secret-${room()}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_events', filter: 'secret=eq.x' }, () => {})
        .on('system', {}, (p: { status: string }) => errors.push(p)),
    );
    expect((await errors.until((e) => e.length > 0))[0]).toMatchObject({ status: 'error' });
  });
});

describe('delivery', () => {
  test('commit order under concurrent writers, every change exactly once', async () => {
    const r = room();
    const inbox = await listen(alice.client, { event: 'INSERT', filter: `room=eq.${r}` });
    const writers = 4;
    const perWriter = 15;
    // When an insert's response came back before another insert was sent, it committed first: it must be delivered first.
    const timing = new Map<number, { sent: number; done: number }>();
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        (async () => {
          for (let i = 0; i < perWriter; i++) {
            const n = w * 1000 + i;
            const sent = performance.now();
            const { error } = await alice.client.from('fixture_events').insert({ room: r, n });
            timing.set(n, { sent, done: performance.now() });
            expect(error).toBeNull();
          }
        })(),
      ),
    );
    const got = await inbox.until((c) => c.length >= writers * perWriter, 20_000, 'all inserts');
    const ns = got.map((c) => (c.new as { n: number }).n);
    expect(ns).toHaveLength(writers * perWriter);
    expect(new Set(ns).size).toBe(writers * perWriter);
    const position = new Map(ns.map((n, i) => [n, i]));
    let orderedPairs = 0;
    for (const [a, ta] of timing) {
      for (const [b, tb] of timing) {
        if (ta.done < tb.sent) {
          orderedPairs++;
          expect(position.get(a), `${a} committed before ${b} was sent`).toBeLessThan(position.get(b)!);
        }
      }
    }
    expect(orderedPairs).toBeGreaterThan(writers * perWriter); // the check had something to check
  });

  test('a record over 8 kB arrives intact', async () => {
    const r = room();
    const inbox = await listen(alice.client, { event: 'INSERT', filter: `room=eq.${r}` });
    const body = 'x'.repeat(50_000) + '✓';
    await alice.client.from('fixture_events').insert({ room: r, body });
    const [change] = await inbox.until((c) => c.length >= 1);
    expect((change!.new as { body: string }).body).toBe(body);
    expect(change!.errors).toBeNull();
  });

  test('a record over 1 MiB arrives with the 413 error and its long values dropped', async () => {
    const r = room();
    const inbox = await listen(alice.client, { event: 'INSERT', filter: `room=eq.${r}` });
    await alice.client.from('fixture_events').insert({ room: r, label: 'short', body: 'y'.repeat(1_100_000) });
    const [change] = await inbox.until((c) => c.length >= 1);
    expect(change!.errors).toEqual(['Error 413: Payload Too Large']);
    expect(change!.new).toMatchObject({ room: r, label: 'short' });
    expect(change!.new).not.toHaveProperty('body');
  });

  test('select narrows the columns to the list plus the primary key', async () => {
    const r = room();
    const inbox = new Inbox<Change>();
    await subscribed(
      alice.client
        .channel(`select-${r}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_events', filter: `room=eq.${r}`, select: ['label'] } as never, (p: Change) => inbox.push(p)),
    );
    await alice.client.from('fixture_events').insert({ room: r, label: 'only me', n: 5 });
    const [change] = await inbox.until((c) => c.length === 1);
    expect(Object.keys(change!.new).sort()).toEqual(['id', 'label']);
  });

  test('one frame per channel carries every matching binding', async () => {
    const r = room();
    const all = new Inbox<Change>();
    const inserts = new Inbox<Change>();
    await subscribed(
      alice.client
        .channel(`multi-${r}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'fixture_events', filter: `room=eq.${r}` }, (p: Change) => all.push(p))
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_events' }, (p: Change) => {
          if ((p.new as { room?: string }).room === r) inserts.push(p);
        }),
    );
    await alice.client.from('fixture_events').insert({ room: r });
    await all.until((c) => c.length === 1);
    await inserts.until((c) => c.length === 1);
  });
});
