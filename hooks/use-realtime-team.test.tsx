import { renderHook, waitFor, act } from '@testing-library/react';
import { afterAll, expect, test } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createTestUser, serviceClient } from '../tests/helpers/clients.ts';
import { createTestDistributor } from '../tests/helpers/app.ts';
import type { BrowserClient } from '../lib/supabase/client.ts';
import { useRealtimeTeam } from './use-realtime-team.ts';

const clients: SupabaseClient[] = [];
afterAll(async () => {
  for (const c of clients) {
    await c.removeAllChannels();
    c.realtime.disconnect();
  }
});

async function team() {
  const d = await createTestDistributor('Team Co');
  const ben = await createTestUser('ben');
  await serviceClient().from('distributor_members').insert({ distributor_id: d.id, user_id: ben.id, display_name: 'Ben' });
  clients.push(d.member.client, ben.client);
  return { d, ana: { id: d.member.id, client: d.member.client as unknown as BrowserClient }, ben: { id: ben.id, client: ben.client as unknown as BrowserClient } };
}

test('two members see each other online, and what each is looking at', async () => {
  const { d, ana, ben } = await team();
  const a = renderHook(({ viewing }) => useRealtimeTeam({ supabase: ana.client, distributorId: d.id, channelKey: d.channelKey, me: { id: ana.id, name: 'Ana' }, viewing, presenceIntervalMs: 200 }), {
    initialProps: { viewing: null as string | null },
  });
  const b = renderHook(() => useRealtimeTeam({ supabase: ben.client, distributorId: d.id, channelKey: d.channelKey, me: { id: ben.id, name: 'Ben' }, viewing: null }));
  await waitFor(() => expect(Object.keys(b.result.current.teammates).sort()).toEqual([ana.id, ben.id].sort()), { timeout: 15_000 });
  await waitFor(() => expect(Object.keys(a.result.current.teammates)).toContain(ben.id));
  a.rerender({ viewing: 'conversation-1' });
  await waitFor(() => expect(b.result.current.teammates[ana.id]).toMatchObject({ name: 'Ana', viewing: ['conversation-1'], leftAt: null }));
});

test('typing shows for teammates only and lapses on its own', async () => {
  const { d, ana, ben } = await team();
  const a = renderHook(() => useRealtimeTeam({ supabase: ana.client, distributorId: d.id, channelKey: d.channelKey, me: { id: ana.id, name: 'Ana' }, viewing: 'c1', typingTtlMs: 1500 }));
  const b = renderHook(() => useRealtimeTeam({ supabase: ben.client, distributorId: d.id, channelKey: d.channelKey, me: { id: ben.id, name: 'Ben' }, viewing: 'c1', typingTtlMs: 1500 }));
  await waitFor(() => expect(a.result.current.joined && b.result.current.joined).toBe(true), { timeout: 15_000 });
  act(() => a.result.current.sendTyping('c1'));
  await waitFor(() => expect(b.result.current.typingIn('c1')).toEqual(['Ana']));
  expect(a.result.current.typingIn('c1')).toEqual([]); // not my own
  expect(b.result.current.typingIn('c2')).toEqual([]);
  await waitFor(() => expect(b.result.current.typingIn('c1')).toEqual([]), { timeout: 5_000 });
});

test('someone outside the distributor cannot join its private channel', async () => {
  const { d } = await team();
  const outsider = await createTestUser('outsider');
  clients.push(outsider.client);
  const o = renderHook(() => useRealtimeTeam({ supabase: outsider.client as unknown as BrowserClient, distributorId: d.id, channelKey: d.channelKey, me: { id: outsider.id, name: 'Eve' }, viewing: null }));
  // the join is refused (Unauthorized): the channel errors (realtime-js keeps retrying) and never joins
  const channel = () => outsider.client.getChannels().find((c) => c.topic === `realtime:distributor:${d.id}:${d.channelKey}`);
  await waitFor(() => expect(channel()?.state).toBe('errored'), { timeout: 10_000 });
  expect(o.result.current.joined).toBe(false);
  expect(o.result.current.teammates).toEqual({});
});
