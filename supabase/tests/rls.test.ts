// Row level security as the app meets it: through the REST API, with the tokens Auth hands out. What each policy and
// grant allows is tested in SQL, table by table and role by role, by the pgTAP files in supabase/tests/database
// (run by pgtap.test.ts); this file keeps what only the HTTP path shows: that a signed-in user's token reaches the
// policies, and the HTTP answers PostgREST gives for what the database refuses.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, test } from 'vitest';
import { anonClient, createTestUser, serviceClient, signedInClient } from '../../tests/helpers/clients.ts';
import { BOLT, DEMO_CONVERSATIONS, DEMO_USERS } from '../../tests/helpers/demo.ts';

type Row = Record<string, unknown>;
const TABLES = [
  { table: 'distributors', tenant: (r: Row) => r.id },
  { table: 'distributor_members', tenant: (r: Row) => r.distributor_id },
  { table: 'contacts', tenant: (r: Row) => r.distributor_id },
  { table: 'conversations', tenant: (r: Row) => r.distributor_id },
  { table: 'messages', tenant: (r: Row) => r.distributor_id },
  { table: 'message_status_events', tenant: (r: Row) => r.distributor_id },
  { table: 'message_templates', tenant: (r: Row) => r.distributor_id },
] as const;

describe.each(Object.entries(DEMO_USERS))('%s, signed in through Auth', (_name, user) => {
  let client: SupabaseClient;
  beforeAll(async () => {
    client = await signedInClient(user.email);
  });

  test("reads only their workspace's rows over REST", async () => {
    for (const { table, tenant } of TABLES) {
      const { data, error } = await client.from(table).select('*');
      expect(error, table).toBeNull();
      for (const row of data as Row[]) expect(tenant(row), table).toBe(user.distributor.id);
      if (table === 'distributors') expect(data, 'their own workspace').toHaveLength(1);
    }
  });
});

describe('HTTP answers for what the database refuses', () => {
  test('anonymous visitors: 401 for every table (42501 for anon)', async () => {
    for (const { table } of TABLES) {
      const { error, status } = await anonClient().from(table).select('*').limit(1);
      expect(status, table).toBe(401);
      expect(error?.code, table).toBe('42501');
    }
  });

  test('a signed-in member: 403 for a write a policy refuses', async () => {
    const ana = await signedInClient(DEMO_USERS.ana.email);
    const clientMsgId = randomUUID();
    const denied = await ana.from('messages').insert({
      distributor_id: BOLT.id,
      conversation_id: DEMO_CONVERSATIONS.boltPriya,
      direction: 'outbound',
      status: 'queued',
      body: 'hi from Acme',
      sent_by: DEMO_USERS.ana.id,
      client_msg_id: clientMsgId,
    });
    expect(denied.status).toBe(403);
    expect(denied.error?.code).toBe('42501');
    expect((await serviceClient().from('messages').select('id').eq('client_msg_id', clientMsgId)).data).toEqual([]);
  });

  test('mark_conversation_read: 404 for a conversation the caller may not see, as for one that does not exist; 401 anon, 403 service role', async () => {
    // PT404 is PostgREST's "answer 404"
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
    const asService = await serviceClient().rpc('mark_conversation_read', { p_conversation_id: DEMO_CONVERSATIONS.acmeLucia });
    expect(asService.status).toBe(403);
    const cursors = await serviceClient().from('conversation_reads').select('user_id').eq('conversation_id', DEMO_CONVERSATIONS.acmeLucia).in('user_id', [DEMO_USERS.cara.id, outsider.id]);
    expect(cursors.data).toEqual([]);
  });

  test('nobody calls the trigger helpers as RPCs', async () => {
    const ana = await signedInClient(DEMO_USERS.ana.email);
    for (const client of [anonClient(), ana]) {
      const { error } = await client.rpc('touch_updated_at');
      expect(error).not.toBeNull();
    }
  });
});
