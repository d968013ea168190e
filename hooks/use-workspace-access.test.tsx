import { renderHook, waitFor } from '@testing-library/react';
import { afterAll, expect, test } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createTestUser, serviceClient } from '../tests/helpers/clients.ts';
import { createTestDistributor } from '../tests/helpers/app.ts';
import type { BrowserClient } from '../lib/supabase/client.ts';
import { useWorkspaceAccess } from './use-workspace-access.ts';

const clients: SupabaseClient[] = [];
afterAll(async () => {
  for (const c of clients) {
    await c.removeAllChannels();
    c.realtime.disconnect();
  }
});

test('a removal reaches the removed member live, and the team channel key follows on the others screens', async () => {
  const d = await createTestDistributor('Access Co');
  const ben = await createTestUser('ben');
  await serviceClient().from('distributor_members').insert({ distributor_id: d.id, user_id: ben.id, role: 'agent', display_name: 'Ben' });
  clients.push(d.member.client, ben.client);
  const initial = (role: 'owner' | 'agent') => ({ role, name: 'Access Co', channelKey: d.channelKey });
  const owner = renderHook(() => useWorkspaceAccess({ supabase: d.member.client as unknown as BrowserClient, distributorId: d.id, userId: d.member.id, initial: initial('owner') }));
  const agent = renderHook(() => useWorkspaceAccess({ supabase: ben.client as unknown as BrowserClient, distributorId: d.id, userId: ben.id, initial: initial('agent') }));
  const joined = (c: SupabaseClient) => c.getChannels().some((ch) => ch.topic.startsWith('realtime:access:') && ch.state === 'joined');
  await waitFor(() => expect(joined(d.member.client) && joined(ben.client)).toBe(true), { timeout: 15_000 });

  // a role change shows at once
  await d.member.client.rpc('set_member_role', { p_distributor_id: d.id, p_user_id: ben.id, p_role: 'admin' });
  await waitFor(() => expect(agent.result.current.role).toBe('admin'));
  await d.member.client.rpc('set_member_role', { p_distributor_id: d.id, p_user_id: ben.id, p_role: 'agent' });
  await waitFor(() => expect(agent.result.current.role).toBe('agent'));
  // so does a rename
  await d.member.client.from('distributors').update({ name: 'Access Company' }).eq('id', d.id);
  await waitFor(() => expect(agent.result.current.name).toBe('Access Company'));

  const { error } = await d.member.client.rpc('remove_member', { p_distributor_id: d.id, p_user_id: ben.id });
  expect(error).toBeNull();
  await waitFor(() => expect(agent.result.current.removed).toBe(true));
  const key = (await serviceClient().from('distributors').select('channel_key').eq('id', d.id).single()).data!.channel_key as string;
  await waitFor(() => expect(owner.result.current.channelKey).toBe(key));
  expect(key).not.toBe(d.channelKey);
  expect(owner.result.current.removed).toBe(false);
  expect(agent.result.current.channelKey).toBe(d.channelKey); // the new key never reaches him
});

test('a removal made while the member was offline is found on the next join', async () => {
  const d = await createTestDistributor('Offline Co');
  const ben = await createTestUser('ben');
  await serviceClient().from('distributor_members').insert({ distributor_id: d.id, user_id: ben.id, role: 'agent', display_name: 'Ben' });
  clients.push(ben.client);
  await d.member.client.rpc('remove_member', { p_distributor_id: d.id, p_user_id: ben.id });
  // his screen was rendered before the removal (stale server props) and mounts after it
  const agent = renderHook(() => useWorkspaceAccess({ supabase: ben.client as unknown as BrowserClient, distributorId: d.id, userId: ben.id, initial: { role: 'agent', name: 'Offline Co', channelKey: d.channelKey } }));
  await waitFor(() => expect(agent.result.current.removed).toBe(true), { timeout: 15_000 });
});
