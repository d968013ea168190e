import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterEach, describe, expect, test } from 'vitest';
import { standinUrl } from './helpers/clients.ts';
import { cleanup, Inbox, RawSocket, subscribed } from './helpers/realtime.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../src/keys.ts';

const room = () => `presence-${Math.random().toString(36).slice(2, 10)}`;
const opened: SupabaseClient[] = [];
const client = () => {
  const c: SupabaseClient = createClient(standinUrl(), LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false } });
  opened.push(c);
  return c;
};
afterEach(async () => {
  await cleanup(...opened.splice(0));
});

function watch(channel: RealtimeChannel) {
  const syncs = new Inbox<Record<string, unknown[]>>();
  const leaves = new Inbox<string>();
  channel.on('presence', { event: 'sync' }, () => syncs.push(channel.presenceState()));
  channel.on('presence', { event: 'leave' }, ({ key }) => leaves.push(key));
  return { syncs, leaves };
}

describe('presence', () => {
  test('two clients see each other, a late joiner gets the state, and a disconnect is a leave', async () => {
    const r = room();
    const [a, b] = [client(), client()];
    const chA = a.channel(r, { config: { presence: { key: 'user-a' } } });
    const wa = watch(chA);
    await subscribed(chA);
    expect(await chA.track({ name: 'A' })).toBe('ok');
    await wa.syncs.until((s) => 'user-a' in (s.at(-1) ?? {}), 5000, 'A sees itself');

    const chB = b.channel(r, { config: { presence: { key: 'user-b' } } });
    const wb = watch(chB);
    await subscribed(chB);
    await wb.syncs.until((s) => 'user-a' in (s.at(-1) ?? {}), 5000, 'B gets the state with A');
    expect(await chB.track({ name: 'B' })).toBe('ok');
    await wa.syncs.until((s) => 'user-b' in (s.at(-1) ?? {}), 5000, 'A sees B join');
    expect(chA.presenceState()['user-b']).toEqual([{ name: 'B', presence_ref: expect.any(String) }]);

    b.realtime.disconnect();
    await wa.leaves.until((l) => l.includes('user-b'), 5000, 'B leaves when its socket goes');
    expect(Object.keys(chA.presenceState())).toEqual(['user-a']);
  });

  test('several tabs with one key count once, with a meta each; untrack leaves', async () => {
    const r = room();
    const tabs = [client(), client()].map((c) => c.channel(r, { config: { presence: { key: 'same-user' } } }));
    const observer = client().channel(r, { config: { presence: { key: 'observer' } } });
    const w = watch(observer);
    await subscribed(observer);
    for (const t of tabs) {
      await subscribed(t);
      expect(await t.track({ tab: tabs.indexOf(t) })).toBe('ok');
    }
    await w.syncs.until((s) => (s.at(-1)?.['same-user']?.length ?? 0) === 2, 5000, 'two metas');
    expect(await tabs[0]!.untrack()).toBe('ok');
    await w.syncs.until((s) => (s.at(-1)?.['same-user']?.length ?? 0) === 1, 5000, 'one meta left');
  });

  test('re-tracking is a leave of the old meta and a join with phx_ref_prev', async () => {
    const ws = await RawSocket.open(standinUrl(), LOCAL_PUBLISHABLE_KEY);
    const t = `realtime:${room()}`;
    ws.send(['1', '1', t, 'phx_join', { config: { presence: { key: 'k', enabled: true } } }]);
    expect(await ws.next((f) => Array.isArray(f) && f[3] === 'presence_state')).toEqual(['1', null, t, 'presence_state', {}]);
    ws.send(['1', '2', t, 'presence', { type: 'presence', event: 'track', payload: { v: 1 } }]);
    const first = (await ws.next((f) => Array.isArray(f) && f[3] === 'presence_diff')) as [null, null, string, string, { joins: { k: { metas: Array<{ phx_ref: string }> } } }];
    const ref = first[4].joins.k.metas[0]!.phx_ref;
    expect(first).toEqual([null, null, t, 'presence_diff', { joins: { k: { metas: [{ v: 1, phx_ref: ref }] } }, leaves: {} }]);
    ws.send(['1', '3', t, 'presence', { type: 'presence', event: 'track', payload: { v: 2 } }]);
    const second = (await ws.next((f) => Array.isArray(f) && f[3] === 'presence_diff')) as unknown[];
    expect(second[4]).toEqual({
      joins: { k: { metas: [{ v: 2, phx_ref: expect.any(String), phx_ref_prev: ref }] } },
      leaves: { k: { metas: [{ v: 1, phx_ref: ref }] } },
    });
    ws.send(['1', '4', t, 'presence', { type: 'presence', event: 'track', payload: 'not a map' }]);
    expect(await ws.next((f) => Array.isArray(f) && f[1] === '4')).toEqual(['1', '4', t, 'phx_reply', { status: 'error', response: { reason: 'Presence track payload must be a map' } }]);
    ws.close();
  });

  test('more than 5 presence calls in 30 s shut the channel, as on Supabase', async () => {
    const c = client();
    const system = new Inbox<{ message: string }>();
    const statuses = new Inbox<string>();
    const ch = c.channel(room(), { config: { presence: { key: 'busy' } } }).on('system', {}, (p: { message: string }) => system.push(p));
    ch.subscribe((s) => statuses.push(s));
    await statuses.until((s) => s.includes('SUBSCRIBED'));
    for (let i = 0; i < 6; i++) void ch.track({ i });
    await statuses.until((s) => s.includes('CLOSED'), 5000, 'CLOSED');
    expect(system.items.map((m) => m.message)).toContain('Client presence rate limit exceeded');
  });
});
