// A removed member loses everything at once: REST, RPC, postgres_changes, presence and broadcast on the workspace's
// private channel, and their own membership row tells their screen why. "Nothing arrives" is proven with a marker
// that does arrive on the same socket afterwards (the stand-in delivers changes in commit order).
import type { RealtimeChannel, RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sid } from '../../tools/twilio-fake/webhooks.ts';
import { createTestDistributor, randomNumber } from '../helpers/app.ts';
import { createTestUser, serviceClient, signedInClient } from '../helpers/clients.ts';
import { cleanup, Inbox, subscribed } from '../helpers/realtime.ts';

type Row = Record<string, unknown>;
let d: Awaited<ReturnType<typeof createTestDistributor>>;
let ben: Awaited<ReturnType<typeof createTestUser>>;
let invitationToken: string;
const sockets: SupabaseClient[] = [];

beforeAll(async () => {
  d = await createTestDistributor('Removal Co');
  ben = await createTestUser('ben');
  // ben joins the way a teammate does: an invitation for his address, accepted as himself
  const invite = await d.member.client.rpc('create_invitation', { p_distributor_id: d.id, p_email: ben.email, p_role: 'agent' });
  expect(invite.error).toBeNull();
  invitationToken = (invite.data as { token: string }[])[0]!.token;
  const accepted = await ben.client.rpc('accept_invitation', { p_token: invitationToken, p_display_name: 'Ben' });
  expect(accepted.error).toBeNull();
  expect(accepted.data).toBe(d.id);
  sockets.push(d.member.client, ben.client);
});
afterAll(() => cleanup(...sockets));

async function customerWrites(body: string): Promise<string> {
  const { data, error } = await serviceClient().rpc('ingest_inbound_message', {
    p: { message_sid: sid('SM'), sender_id: d.senderId, to: `whatsapp:${d.number}`, from: `whatsapp:${randomNumber('+1555')}`, body },
  });
  if (error) throw new Error(error.message);
  return (data as { message_id: string }).message_id;
}

function watchMessages(client: SupabaseClient, topic: string, into: Inbox<Row>): RealtimeChannel {
  return client
    .channel(topic)
    .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages', filter: `distributor_id=eq.${d.id}` }, (p: RealtimePostgresChangesPayload<Row>) => into.push(p.new as Row));
}

test('after remove_member, the removed agent gets nothing more, on any surface, and learns why', async () => {
  const key = d.channelKey;
  const teamTopic = `distributor:${d.id}:${key}`;

  // before: ben is a member in every sense
  const benChanges = new Inbox<Row>();
  const benMembership = new Inbox<Row>();
  const benTeam = new Inbox<Row>();
  await subscribed(
    watchMessages(ben.client, 'ben-inbox', benChanges).on(
      'postgres_changes',
      { event: 'UPDATE', schema: 'public', table: 'distributor_members', filter: `user_id=eq.${ben.id}` },
      (p: RealtimePostgresChangesPayload<Row>) => benMembership.push(p.new as Row),
    ),
  );
  const benRoom = ben.client.channel(teamTopic, { config: { private: true, broadcast: { self: false } } }).on('broadcast', { event: 'typing' }, ({ payload }) => benTeam.push(payload as Row));
  await subscribed(benRoom);
  const ownerChanges = new Inbox<Row>();
  await subscribed(watchMessages(d.member.client, 'owner-inbox', ownerChanges));
  const before = await customerWrites('before removal');
  await benChanges.until((m) => m.some((r) => r.id === before), 10_000, 'the message before removal, for ben');
  expect((await ben.client.from('messages').select('id').eq('id', before)).data).toHaveLength(1);

  // the owner removes ben
  const removed = await d.member.client.rpc('remove_member', { p_distributor_id: d.id, p_user_id: ben.id });
  expect(removed.error).toBeNull();

  // his screen learns why: his own membership row, now marked removed
  const [mark] = await benMembership.until((rows) => rows.some((r) => r.removed_at), 10_000, "ben's removal");
  expect(mark).toMatchObject({ distributor_id: d.id, user_id: ben.id });

  // postgres_changes: a message after the removal reaches the owner (the marker) and not ben
  const after = await customerWrites('after removal');
  await ownerChanges.until((m) => m.some((r) => r.id === after), 10_000, 'the message after removal, for the owner');
  const marker = await customerWrites('marker');
  await ownerChanges.until((m) => m.some((r) => r.id === marker));
  expect(benChanges.items.map((r) => r.id)).not.toContain(after);
  expect(benChanges.items.map((r) => r.id)).not.toContain(marker);

  // REST and RPC: nothing of the workspace
  expect((await ben.client.from('messages').select('id').eq('distributor_id', d.id)).data).toEqual([]);
  expect((await ben.client.from('conversations').select('id').eq('distributor_id', d.id)).data).toEqual([]);
  expect((await ben.client.from('distributors').select('id, channel_key').eq('id', d.id)).data).toEqual([]);
  expect((await ben.client.from('distributor_members').select('user_id').eq('distributor_id', d.id).is('removed_at', null)).data).toEqual([]);
  const conversation = (await serviceClient().from('messages').select('conversation_id').eq('id', after).single()).data!.conversation_id as string;
  expect((await ben.client.rpc('mark_conversation_read', { p_conversation_id: conversation })).status).toBe(404);
  expect((await ben.client.rpc('member_channel_topics')).data).toEqual([]);
  const send = await ben.client.from('messages').insert({ distributor_id: d.id, conversation_id: conversation, direction: 'outbound', status: 'queued', body: 'still here?', sent_by: ben.id, client_msg_id: crypto.randomUUID() });
  expect(send.error?.code).toBe('42501');

  // the team channel moved to a new key, which ben cannot read; the old one no longer admits him
  const newKey = (await serviceClient().from('distributors').select('channel_key').eq('id', d.id).single()).data!.channel_key as string;
  expect(newKey).not.toBe(key);
  const rejoin = ben.client.channel(`distributor:${d.id}:${newKey}`, { config: { private: true } });
  await expect(subscribed(rejoin)).rejects.toThrow(/Unauthorized|permission/i);
  // (from a new tab: his open one is still in the old room, alone, which is what the key rotation is for)
  const newTab = await signedInClient(ben.email, ben.password);
  sockets.push(newTab);
  await expect(subscribed(newTab.channel(teamTopic, { config: { private: true } }))).rejects.toThrow(/Unauthorized|permission/i);
  // nor may he open the inbox's change channel again (private: its policy admits current members only)
  await expect(subscribed(newTab.channel(`inbox:${d.id}:new-tab:1`, { config: { private: true } }))).rejects.toThrow(/Unauthorized|permission/i);
  // while his own access channel still admits him, so his screen can learn why
  await subscribed(newTab.channel(`access:${d.id}:${ben.id}:new-tab`, { config: { private: true } }));

  // the owner's team room is on the new key: what she broadcasts there never reaches ben's old room
  const ownerRoom = d.member.client.channel(`distributor:${d.id}:${newKey}`, { config: { private: true, broadcast: { self: true, ack: true } } });
  const ownerHeard = new Inbox<Row>();
  ownerRoom.on('broadcast', { event: 'typing' }, ({ payload }) => ownerHeard.push(payload as Row));
  await subscribed(ownerRoom);
  await ownerRoom.send({ type: 'broadcast', event: 'typing', payload: { user_id: d.member.id, conversation_id: conversation } });
  await ownerHeard.until((p) => p.length === 1);
  // and what ben still sends on his old room reaches nobody on the new one
  await benRoom.send({ type: 'broadcast', event: 'typing', payload: { user_id: ben.id, conversation_id: conversation } });
  await ownerRoom.send({ type: 'broadcast', event: 'typing', payload: { user_id: d.member.id, marker: true } });
  await ownerHeard.until((p) => p.some((x) => x.marker));
  expect(ownerHeard.items.map((p) => p.user_id)).not.toContain(ben.id);
  expect(benTeam.items).toEqual([]);

  // the invitation he came in with is spent: it cannot bring him back
  const reuse = await ben.client.rpc('accept_invitation', { p_token: invitationToken, p_display_name: 'Ben' });
  expect({ status: reuse.status, message: reuse.error?.message }).toEqual({ status: 403, message: 'this invitation has already been used' });
});
