/**
 * A joined postgres_changes channel never misses a committed change, on PostgreSQL, when the stand-in loses its
 * database connections: its LISTEN session killed, or the whole server restarted. Changes committed before the
 * feed is listening again come from the change log, once, in order, and the channel stays joined throughout.
 * (PGlite runs in the stand-in's own process: there is no connection to lose.)
 */
import { createClient, type RealtimePostgresChangesPayload, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startStandin, type Standin } from '../src/index.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../src/keys.ts';
import { createTestUser } from './helpers/clients.ts';
import { startPostgresCluster, type PostgresCluster } from './helpers/postgres-cluster.ts';
import { CONTRACT_PROJECT } from './helpers/projects.ts';
import { Inbox } from './helpers/realtime.ts';

type Change = RealtimePostgresChangesPayload<{ id: number; n: number; room: string }>;
const onPostgres = inject('backend') === 'postgres';

let cluster: PostgresCluster;
let standin: Standin;
let user: Awaited<ReturnType<typeof createTestUser>>;
let sql: postgres.Sql;

beforeAll(async () => {
  if (!onPostgres) return;
  cluster = await startPostgresCluster();
  standin = await startStandin({ port: 0, db: { kind: 'postgres', url: cluster.url }, projectDir: CONTRACT_PROJECT, seed: true, log: 'silent' });
  user = await createTestUser('durable', standin.url);
  sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
}, 120_000);
afterAll(async () => {
  await sql?.end({ timeout: 1 });
  await standin?.close();
  await cluster?.stop();
});

/** A channel of the user's own on one room, with every status it went through. */
async function watch(room: string): Promise<{ changes: Inbox<Change>; statuses: string[]; client: SupabaseClient }> {
  const client = createClient(standin.url, LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false, autoRefreshToken: false } });
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: user.password });
  if (error) throw error;
  const changes = new Inbox<Change>();
  const statuses: string[] = [];
  const joined = new Inbox<string>();
  client
    .channel(`durable-${room}`)
    .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'fixture_events', filter: `room=eq.${room}` }, (p: Change) => changes.push(p))
    .subscribe((status) => {
      statuses.push(status);
      joined.push(status);
    });
  await joined.until((s) => s.includes('SUBSCRIBED'), 15_000, 'SUBSCRIBED');
  return { changes, statuses, client };
}

/** Inserts rows n = from … to - 1 into `room` as the database's superuser, one transaction each, retrying while the server comes back. */
async function insertRows(db: postgres.Sql, room: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    for (let attempt = 0; ; attempt++) {
      try {
        await db`insert into public.fixture_events (owner_id, room, n) values (${user.id}, ${room}, ${n})`;
        break;
      } catch (error) {
        if (attempt > 200) throw error;
        await new Promise((r) => setTimeout(r, 50)); // the server is starting: retry, as any client would
      }
    }
  }
}

const ns = (changes: Change[]) => changes.map((c) => (c.new as { n: number }).n);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe.skipIf(!onPostgres)('the change feed across lost connections (PostgreSQL)', () => {
  test('its LISTEN session killed: what commits before it listens again arrives once, in order', async () => {
    const room = `kill-${Date.now()}`;
    const { changes, statuses, client } = await watch(room);
    const before = standin.realtime.stats().feed;
    await insertRows(sql, room, 0, 5);
    await changes.until((c) => c.length >= 5, 10_000, 'the first five');
    const killed = await sql`select pg_terminate_backend(pid) as ok from pg_stat_activity
                              where application_name = 'switchboard-standin' and query ilike 'listen%'`;
    expect(killed.length).toBeGreaterThan(0);
    await insertRows(sql, room, 5, 30);
    await changes.until((c) => c.length >= 30, 20_000, 'all thirty');
    expect(ns(changes.items)).toEqual(range(0, 30));
    expect(statuses).toEqual(['SUBSCRIBED']);
    const after = standin.realtime.stats().feed;
    expect(after.relistens).toBeGreaterThan(before.relistens);
    expect(after.gaps).toBe(before.gaps);
    await client.removeAllChannels();
  });

  test('PostgreSQL restarted: what commits in the first moments after it is back arrives once, in order', async () => {
    const room = `restart-${Date.now()}`;
    const { changes, statuses, client } = await watch(room);
    const before = standin.realtime.stats().feed;
    await insertRows(sql, room, 0, 5);
    await changes.until((c) => c.length >= 5, 10_000, 'the first five');
    await cluster.restart();
    const writer = postgres(cluster.url, { max: 1, onnotice: () => {} });
    try {
      await insertRows(writer, room, 5, 40);
    } finally {
      await writer.end({ timeout: 1 });
    }
    await changes.until((c) => c.length >= 40, 30_000, 'all forty');
    expect(ns(changes.items)).toEqual(range(0, 40));
    expect(statuses).toEqual(['SUBSCRIBED']);
    expect(standin.realtime.stats().feed.gaps).toBe(before.gaps);
    await client.removeAllChannels();
  }, 90_000);

  test('where a gap cannot be ruled out (the log unreadable), the channel is told to rejoin, and is live again', async () => {
    const room = `gap-${Date.now()}`;
    const { changes, statuses, client } = await watch(room);
    const gapsBefore = standin.realtime.stats().feed.gaps;
    await sql`alter table standin_realtime.changes rename to changes_away`;
    try {
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'switchboard-standin' and query ilike 'listen%'`;
      const seen = new Inbox<string>();
      const poll = setInterval(() => seen.push(statuses.join()), 20);
      try {
        await seen.until(() => statuses.includes('CHANNEL_ERROR'), 20_000, 'CHANNEL_ERROR');
      } finally {
        clearInterval(poll);
      }
    } finally {
      await sql`alter table standin_realtime.changes_away rename to changes`;
    }
    expect(standin.realtime.stats().feed.gaps).toBeGreaterThan(gapsBefore);
    // realtime-js rejoins by itself after its backoff; once joined again, changes flow
    const again = new Inbox<string>();
    const poll = setInterval(() => again.push(statuses.join()), 20);
    try {
      await again.until(() => statuses.lastIndexOf('SUBSCRIBED') > statuses.indexOf('CHANNEL_ERROR'), 20_000, 'SUBSCRIBED again');
    } finally {
      clearInterval(poll);
    }
    await insertRows(sql, room, 0, 3);
    await changes.until((c) => c.length >= 3, 10_000, 'three after the rejoin');
    expect(ns(changes.items)).toEqual([0, 1, 2]);
    await client.removeAllChannels();
  }, 60_000);
});
