import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../src/keys.ts';
import { uniqueEmail } from './helpers/clients.ts';
import { startOwnStandin, type OwnStandin } from './helpers/own-standin.ts';
import { TODOS_PROJECT } from './helpers/projects.ts';
import { cleanup, Inbox, subscribed } from './helpers/realtime.ts';

// A second project, unrelated to the contract fixture: a plain to-do app with RLS per user, default privileges
// instead of grants, a sign-up trigger, an RPC and private channels, served from sign-up to broadcast.
let own: OwnStandin;
let url: string;
const clients: SupabaseClient[] = [];
const noSession = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

beforeAll(async () => {
  own = await startOwnStandin({ projectDir: TODOS_PROJECT, seed: true });
  url = own.standin.url;
}, 90_000);
afterAll(async () => {
  await cleanup(...clients);
  await own?.destroy();
});

function client(key = LOCAL_PUBLISHABLE_KEY): SupabaseClient {
  const c = createClient(url, key, { auth: noSession });
  clients.push(c);
  return c;
}

/** Signs up through Auth as the app's own sign-up form would, and returns the signed-in client. */
async function signUp(username: string): Promise<{ c: SupabaseClient; id: string }> {
  const c = client();
  const { data, error } = await c.auth.signUp({ email: uniqueEmail(username), password: `pw-${username}-1234`, options: { data: { username } } });
  expect(error).toBeNull();
  expect(data.session, 'signed in at once (email confirmation off, as in a local project)').not.toBeNull();
  return { c, id: data.user!.id };
}

describe('a to-do app on the stand-in', () => {
  let alice: { c: SupabaseClient; id: string };
  let bob: { c: SupabaseClient; id: string };
  beforeAll(async () => {
    alice = await signUp(`alice${Date.now().toString(36)}`);
    bob = await signUp(`bob${Date.now().toString(36)}`);
  });

  test("the project's seed ran (the service role finds its row)", async () => {
    const { data, error } = await client(LOCAL_SECRET_KEY).from('todos').select('task').eq('user_id', 'a0000000-0000-4000-8000-000000000001');
    expect(error).toBeNull();
    expect(data).toEqual([{ task: 'water the plants' }]);
  });

  test('sign-up runs the project trigger: each user reads their own profile and nobody else', async () => {
    const mine = await alice.c.from('profiles').select('id, username');
    expect(mine.error).toBeNull();
    expect(mine.data).toEqual([{ id: alice.id, username: expect.stringMatching(/^alice/) }]);
    expect((await bob.c.from('profiles').select('id').eq('id', alice.id)).data).toEqual([]);
    expect((await client().from('profiles').select('id')).data).toEqual([]);
  });

  test('RLS per user on todos, through the default privileges alone', async () => {
    const inserted = await alice.c.from('todos').insert({ task: 'call the supplier' }).select('id, user_id, task, is_complete').single();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toMatchObject({ user_id: alice.id, task: 'call the supplier', is_complete: false });
    const id = inserted.data!.id as number;

    // (the tests share these two users in any order: judge rows by owner, not by count)
    const hers = (await alice.c.from('todos').select('id, user_id')).data!;
    expect(hers.map((r) => r.id)).toContain(id);
    expect(hers.every((r) => r.user_id === alice.id)).toBe(true);
    expect((await bob.c.from('todos').select('id, user_id')).data!.every((r) => r.user_id === bob.id)).toBe(true);
    expect((await client().from('todos').select('id')).data).toEqual([]);

    // bob can neither change nor delete alice's row; his writes match nothing
    expect((await bob.c.from('todos').update({ task: 'hijacked' }).eq('id', id).select()).data).toEqual([]);
    expect((await bob.c.from('todos').delete().eq('id', id).select()).data).toEqual([]);
    // nor create one in her name, and anon creates none at all
    expect((await bob.c.from('todos').insert({ task: 'in her name', user_id: alice.id })).error).toMatchObject({ code: '42501' });
    expect((await client().from('todos').insert({ task: 'anonymous' })).error).toMatchObject({ code: '42501' });
    // the project's CHECK is a 400 with PostgreSQL's code
    const short = await alice.c.from('todos').insert({ task: 'no' });
    expect(short).toMatchObject({ status: 400, error: { code: '23514' } });

    // an RPC under the caller's RLS: bob completes nothing of alice's
    await bob.c.rpc('complete_all');
    expect((await alice.c.from('todos').select('is_complete').eq('id', id).single()).data).toEqual({ is_complete: false });
    expect((await alice.c.rpc('complete_all')).data).toBeGreaterThanOrEqual(1);
    expect((await alice.c.from('todos').select('is_complete').eq('id', id).single()).data).toEqual({ is_complete: true });
  });

  test('postgres_changes on todos reach only their owner', async () => {
    const seenByAlice = new Inbox<Record<string, unknown>>();
    const seenByBob = new Inbox<Record<string, unknown>>();
    const watch = (c: SupabaseClient, inbox: Inbox<Record<string, unknown>>, name: string) =>
      subscribed(c.channel(name).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'todos' }, (p) => inbox.push(p.new)));
    await watch(alice.c, seenByAlice, 'todos-alice');
    await watch(bob.c, seenByBob, 'todos-bob');

    await alice.c.from('todos').insert({ task: "alice's secret errand" });
    await bob.c.from('todos').insert({ task: "bob's errand" });
    await seenByAlice.until((rows) => rows.length > 0, 10_000, "alice's insert");
    await seenByBob.until((rows) => rows.length > 0, 10_000, "bob's insert");
    expect(seenByAlice.items.map((r) => r.task)).toEqual(["alice's secret errand"]);
    // bob's own insert came after alice's on the same feed, so alice's would have reached him by now
    expect(seenByBob.items.map((r) => r.task)).toEqual(["bob's errand"]);
  });

  test('a private channel per user: its owner joins and broadcasts; another user is refused', async () => {
    const join = (c: SupabaseClient, topic: string, inbox: Inbox<unknown>): RealtimeChannel =>
      c.channel(topic, { config: { private: true, broadcast: { self: true, ack: true } } }).on('broadcast', { event: 'sync' }, (p) => inbox.push(p.payload));
    const aliceGot = new Inbox<unknown>();
    await alice.c.realtime.setAuth();
    await bob.c.realtime.setAuth();
    const aliceChannel = await subscribed(join(alice.c, `todos:${alice.id}`, aliceGot));
    expect(await aliceChannel.send({ type: 'broadcast', event: 'sync', payload: { from: 'phone' } })).toBe('ok');
    await aliceGot.until((items) => items.length === 1, 10_000, 'her own broadcast');
    expect(aliceGot.items).toEqual([{ from: 'phone' }]);

    await expect(subscribed(join(bob.c, `todos:${alice.id}`, new Inbox()))).rejects.toThrow(/Unauthorized|permission|not authorized/i);
    await expect(subscribed(join(client(), `todos:${alice.id}`, new Inbox()))).rejects.toThrow();
  });
});
