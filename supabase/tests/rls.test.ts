import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, test } from 'vitest';
import { anonClient, createTestUser, serviceClient, signedInClient } from '../../tests/helpers/clients.ts';
import { ACME, BOLT, DEMO_CONVERSATIONS, DEMO_USERS } from '../../tests/helpers/demo.ts';

type Row = Record<string, unknown>;
const TABLES = [
  { table: 'distributors', key: 'id', tenant: (r: Row) => r.id },
  { table: 'distributor_members', key: 'user_id,distributor_id', tenant: (r: Row) => r.distributor_id },
  { table: 'contacts', key: 'id', tenant: (r: Row) => r.distributor_id },
  { table: 'conversations', key: 'id', tenant: (r: Row) => r.distributor_id },
  { table: 'messages', key: 'id', tenant: (r: Row) => r.distributor_id },
  { table: 'message_status_events', key: 'id', tenant: (r: Row) => r.distributor_id },
] as const;

const keyOf = (r: Row, key: string) => key.split(',').map((k) => String(r[k])).join('/');
const service = () => serviceClient();

async function rows(client: SupabaseClient, table: string, filter?: [string, string]): Promise<Row[]> {
  let q = client.from(table).select('*');
  if (filter) q = q.eq(filter[0], filter[1]);
  const { data, error } = await q;
  if (error) throw new Error(`${table}: ${error.code} ${error.message}`);
  return data as Row[];
}

describe.each(Object.entries(DEMO_USERS))('%s', (_name, user) => {
  let client: SupabaseClient;
  beforeAll(async () => {
    client = await signedInClient(user.email);
  });

  test.each(TABLES)('sees exactly their distributor\'s rows in $table', async ({ table, key, tenant }) => {
    // Rows that exist before the user's query must all be visible; rows added meanwhile by other tests may be.
    const expected = await rows(service(), table, [table === 'distributors' ? 'id' : 'distributor_id', user.distributor.id]);
    const seen = await rows(client, table);
    for (const r of seen) expect(tenant(r), `${table} row ${keyOf(r, key)}`).toBe(user.distributor.id);
    const seenKeys = new Set(seen.map((r) => keyOf(r, key)));
    for (const r of expected) expect(seenKeys.has(keyOf(r, key)), `${table} row ${keyOf(r, key)} visible`).toBe(true);
    if (table !== 'message_status_events') expect(seen.length).toBeGreaterThan(0);
  });

  test('sees exactly their own read cursors', async () => {
    const expected = await rows(service(), 'conversation_reads', ['user_id', user.id]);
    const seen = await rows(client, 'conversation_reads');
    for (const r of seen) expect(r.user_id).toBe(user.id);
    expect(seen.length).toBeGreaterThanOrEqual(expected.length);
  });
});

describe('writes across distributors', () => {
  test('ana cannot insert a message into Bolt\'s conversation', async () => {
    const ana = await signedInClient(DEMO_USERS.ana.email);
    const asBolt = { distributor_id: BOLT.id, conversation_id: DEMO_CONVERSATIONS.boltPriya, direction: 'outbound', status: 'queued', body: 'hi from Acme', sent_by: DEMO_USERS.ana.id, client_msg_id: randomUUID() };
    const denied = await ana.from('messages').insert(asBolt);
    expect(denied.status).toBe(403);
    expect(denied.error?.code).toBe('42501');
    // claiming her own distributor does not help: the conversation belongs to Bolt
    const spoofed = { ...asBolt, distributor_id: ACME.id, client_msg_id: randomUUID() };
    const fk = await ana.from('messages').insert(spoofed);
    expect(fk.error?.code).toBe('23503');
    const written = await service().from('messages').select('id').in('client_msg_id', [asBolt.client_msg_id, spoofed.client_msg_id]);
    expect(written.data).toEqual([]);
  });

  test('cara cannot assign, close or read Acme\'s conversations', async () => {
    const cara = await signedInClient(DEMO_USERS.cara.email);
    const upd = await cara.from('conversations').update({ status: 'closed' }).eq('id', DEMO_CONVERSATIONS.acmeLucia).select();
    expect(upd.data).toEqual([]);
    const read = await cara.from('conversation_reads').insert({ conversation_id: DEMO_CONVERSATIONS.acmeLucia, distributor_id: ACME.id });
    expect(read.error?.code).toBe('42501');
    const state = await service().from('conversations').select('status').eq('id', DEMO_CONVERSATIONS.acmeLucia).single();
    expect(state.data?.status).toBe('open');
  });

  test('a read cursor cannot point at another distributor\'s conversation', async () => {
    const cara = await signedInClient(DEMO_USERS.cara.email);
    // her own distributor with Acme's conversation: the (conversation_id, distributor_id) FK refuses it, with the
    // same answer as for a conversation that does not exist
    const mixed = await cara.from('conversation_reads').insert({ conversation_id: DEMO_CONVERSATIONS.acmeLucia, distributor_id: BOLT.id, last_read_seq: 1 });
    const missing = await cara.from('conversation_reads').insert({ conversation_id: randomUUID(), distributor_id: BOLT.id, last_read_seq: 1 });
    expect(mixed.error?.code).toBe('23503');
    expect(missing.error?.code).toBe('23503');
    // moving her own cursor onto Acme's conversation
    await cara.rpc('mark_conversation_read', { p_conversation_id: DEMO_CONVERSATIONS.boltPriya });
    const moved = await cara.from('conversation_reads').update({ conversation_id: DEMO_CONVERSATIONS.acmeLucia, distributor_id: ACME.id }).eq('conversation_id', DEMO_CONVERSATIONS.boltPriya);
    expect(moved.error?.code).toBe('42501');
    const written = await service().from('conversation_reads').select('user_id').eq('conversation_id', DEMO_CONVERSATIONS.acmeLucia).eq('user_id', DEMO_USERS.cara.id);
    expect(written.data).toEqual([]);
  });

  test('mark_conversation_read answers 404 for a conversation the caller may not see, as for one that does not exist', async () => {
    // PT404 is PostgREST's "answer 404"; a stand-in that does not honour PTnnn codes yet answers otherwise
    const cara = await signedInClient(DEMO_USERS.cara.email);
    const outsider = await createTestUser('outsider');
    const foreign = await cara.rpc('mark_conversation_read', { p_conversation_id: DEMO_CONVERSATIONS.acmeLucia });
    const missing = await cara.rpc('mark_conversation_read', { p_conversation_id: randomUUID() });
    const noTeam = await outsider.client.rpc('mark_conversation_read', { p_conversation_id: DEMO_CONVERSATIONS.acmeLucia });
    for (const res of [foreign, missing, noTeam]) {
      expect(res.status).toBe(404);
      expect(res.error?.code).toBe('PT404');
    }
    expect(foreign.error?.message).toBe(missing.error?.message);
    const anon = await anonClient().rpc('mark_conversation_read', { p_conversation_id: DEMO_CONVERSATIONS.acmeLucia });
    expect(anon.status).toBe(401);
    const asService = await service().rpc('mark_conversation_read', { p_conversation_id: DEMO_CONVERSATIONS.acmeLucia });
    expect(asService.status).toBe(403);
    const cursors = await service().from('conversation_reads').select('user_id').eq('conversation_id', DEMO_CONVERSATIONS.acmeLucia).in('user_id', [DEMO_USERS.cara.id, outsider.id]);
    expect(cursors.data).toEqual([]);
  });

  test('nobody calls the trigger helpers as RPCs', async () => {
    const ana = await signedInClient(DEMO_USERS.ana.email);
    for (const client of [anonClient(), ana]) {
      const { error } = await client.rpc('touch_updated_at');
      expect(error).not.toBeNull();
    }
  });

  test('anonymous visitors can read nothing', async () => {
    for (const { table } of TABLES) {
      const { error, status } = await anonClient().from(table).select('*').limit(1);
      expect(status, table).toBe(401);
      expect(error?.code, table).toBe('42501');
    }
  });
});

describe('what members may write in their own distributor', () => {
  // A distributor of its own, so this test changes no shared demo data.
  let member: Awaited<ReturnType<typeof createTestUser>>;
  let distributorId: string;
  let conversationId: string;
  beforeAll(async () => {
    member = await createTestUser('member');
    const svc = service();
    const number = `+1999${String(Date.now()).slice(-7)}`;
    const d = await svc.from('distributors').insert({ name: 'Test Co', whatsapp_number: number }).select('id').single();
    distributorId = d.data!.id;
    await svc.from('distributor_members').insert({ distributor_id: distributorId, user_id: member.id, role: 'agent', display_name: 'Tess' });
    const contact = await svc.from('contacts').insert({ distributor_id: distributorId, wa_id: '+15550001111', phone: '+15550001111' }).select('id').single();
    const conv = await svc.from('conversations').insert({ distributor_id: distributorId, contact_id: contact.data!.id }).select('id').single();
    conversationId = conv.data!.id;
  });

  test('queues an outbound reply, which moves the conversation preview', async () => {
    const clientMsgId = randomUUID();
    const { data, error } = await member.client
      .from('messages')
      .insert({ distributor_id: distributorId, conversation_id: conversationId, direction: 'outbound', status: 'queued', body: 'On its way', sent_by: member.id, client_msg_id: clientMsgId })
      .select('seq, status')
      .single();
    expect(error).toBeNull();
    expect(data?.status).toBe('queued');
    const conv = await member.client.from('conversations').select('last_message_preview, last_message_seq, last_message_direction').eq('id', conversationId).single();
    expect(conv.data).toEqual({ last_message_preview: 'On its way', last_message_seq: data!.seq, last_message_direction: 'outbound' });
  });

  test('cannot forge an inbound message, a delivered status or another sender', async () => {
    const base = { distributor_id: distributorId, conversation_id: conversationId, body: 'x' };
    for (const forged of [
      { ...base, direction: 'inbound', status: 'received', sent_by: member.id },
      { ...base, direction: 'outbound', status: 'delivered', sent_by: member.id },
      { ...base, direction: 'outbound', status: 'queued', sent_by: DEMO_USERS.ana.id },
    ]) {
      const { error } = await member.client.from('messages').insert({ ...forged, client_msg_id: randomUUID() });
      expect(error?.code, JSON.stringify(forged)).toBe('42501');
    }
    const twilio = await member.client.from('messages').insert({ ...base, direction: 'outbound', status: 'queued', sent_by: member.id, twilio_sid: `SM${'0'.repeat(32)}` });
    expect(twilio.error?.code).toBe('42501'); // no column privilege
  });

  test('cannot write what only the webhook path writes: media, metadata, message type, SID, error', async () => {
    // media was once member-writable, and the media proxy fetched its URL with the Twilio account's credentials
    const reply = { distributor_id: distributorId, conversation_id: conversationId, direction: 'outbound', status: 'queued', body: 'x', sent_by: member.id };
    const twilioResource = `https://api.twilio.com/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages/SM${'1'.repeat(32)}.json`;
    for (const extra of [
      { media: [{ url: twilioResource, content_type: 'application/json' }] },
      { media: [] },
      { metadata: { forged: true } },
      { message_type: 'image' },
      { error_code: 1 },
      { error_message: 'x' },
      { status_updated_at: new Date().toISOString() },
    ]) {
      const clientMsgId = randomUUID();
      const { error } = await member.client.from('messages').insert({ ...reply, ...extra, client_msg_id: clientMsgId });
      expect(error?.code, JSON.stringify(extra)).toBe('42501');
      expect((await service().from('messages').select('id').eq('client_msg_id', clientMsgId)).data).toEqual([]);
    }
  });

  test('a template reply names an approved template of its own distributor', async () => {
    const svc = service();
    const sid = () => `HX${randomUUID().replaceAll('-', '')}`;
    const own = sid();
    const unapproved = sid();
    const foreign = sid();
    await svc.from('message_templates').insert([
      { distributor_id: distributorId, content_sid: own, name: 'Own', body: 'Hi {{1}}', variables: ['name'] },
      { distributor_id: distributorId, content_sid: unapproved, name: 'Draft', body: 'Hi', approved: false },
      { distributor_id: BOLT.id, content_sid: foreign, name: 'Bolt', body: 'Hi' },
    ]);
    const reply = { distributor_id: distributorId, conversation_id: conversationId, direction: 'outbound', status: 'queued', body: 'Hi Ana', sent_by: member.id };
    const ok = await member.client.from('messages').insert({ ...reply, content_sid: own, content_variables: { 1: 'Ana' }, client_msg_id: randomUUID() });
    expect(ok.error).toBeNull();
    for (const bad of [
      { content_sid: foreign },
      { content_sid: unapproved },
      { content_sid: sid() },
      { content_sid: own, content_variables: ['Ana'] },
      { content_variables: { 1: 'Ana' } },
    ]) {
      const { error } = await member.client.from('messages').insert({ ...reply, ...bad, client_msg_id: randomUUID() });
      expect(error?.code, JSON.stringify(bad)).toBe('42501');
    }
  });

  test('client_msg_id is unique per distributor: another tenant\'s id does not collide', async () => {
    const clientMsgId = randomUUID();
    const ana = await signedInClient(DEMO_USERS.ana.email);
    const acme = await ana.from('messages').insert({ distributor_id: ACME.id, conversation_id: DEMO_CONVERSATIONS.acmeLucia, direction: 'outbound', status: 'queued', body: 'acme', sent_by: DEMO_USERS.ana.id, client_msg_id: clientMsgId });
    expect(acme.error).toBeNull();
    const reply = { distributor_id: distributorId, conversation_id: conversationId, direction: 'outbound', status: 'queued', body: 'mine', sent_by: member.id, client_msg_id: clientMsgId };
    expect((await member.client.from('messages').insert(reply)).error).toBeNull();
    // within one distributor it is still a key: a member's retry cannot make a second row
    expect((await member.client.from('messages').insert(reply)).error?.code).toBe('23505');
    const rows = (await service().from('messages').select('distributor_id').eq('client_msg_id', clientMsgId)).data!;
    expect(rows.map((r) => r.distributor_id).sort()).toEqual([ACME.id, distributorId].sort());
  });

  test('assigns, closes and reopens, but cannot rewrite the preview', async () => {
    const assign = await member.client.from('conversations').update({ assignee_id: member.id, status: 'closed' }).eq('id', conversationId).select('assignee_id, status');
    expect(assign.data).toEqual([{ assignee_id: member.id, status: 'closed' }]);
    const reopen = await member.client.from('conversations').update({ status: 'open' }).eq('id', conversationId).select('status');
    expect(reopen.data).toEqual([{ status: 'open' }]);
    const preview = await member.client.from('conversations').update({ last_message_preview: 'forged' }).eq('id', conversationId);
    expect(preview.error?.code).toBe('42501');
    const outsider = await member.client.from('conversations').update({ assignee_id: DEMO_USERS.ana.id }).eq('id', conversationId);
    expect(outsider.error?.code).toBe('23503'); // the assignee must be a member of this distributor
  });

  test('marks a conversation read with its own cursor only', async () => {
    const mine = await member.client.from('conversation_reads').upsert({ conversation_id: conversationId, distributor_id: distributorId, last_read_seq: 5, read_inbound_count: 0 }).select('user_id');
    expect(mine.error).toBeNull();
    expect(mine.data).toEqual([{ user_id: member.id }]);
    const forOther = await member.client.from('conversation_reads').insert({ conversation_id: conversationId, distributor_id: distributorId, user_id: DEMO_USERS.ana.id });
    expect(forOther.error?.code).toBe('42501');
  });
});
