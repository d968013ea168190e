/**
 * The cast of the security matrix: two distributors of the test's own (A and B), each with one member and a
 * row in every table; a signed-in user who belongs to no distributor; an anonymous visitor; the service role.
 * Rows of A are the targets; every role but A's member and the service role must be unable to reach them.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { anonClient, createTestUser, serviceClient } from '../helpers/clients.ts';
import { createTestDistributor, randomNumber } from '../helpers/app.ts';
import { DEMO_ACCOUNT_SID, sid } from '../../tools/twilio-fake/webhooks.ts';
import { LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';

export const ROLES = ['anon', 'memberA', 'memberB', 'outsider', 'service'] as const;
export type Role = (typeof ROLES)[number];

export interface Tenant {
  id: string;
  channelKey: string;
  number: string;
  memberId: string;
  client: SupabaseClient;
  token: string;
  contactId: string;
  conversationId: string;
  inboundMessageId: string;
  inboundSid: string;
  outboundMessageId: string;
  outboundSid: string;
  templateId: string;
  statusEventId: number;
  senderId: string;
  /** An open invitation to the workspace (its owner, the member, made it). */
  invitationId: string;
  /** A reconciliation sweep of its sender (written by the server). */
  sweepId: number;
}

export interface World {
  a: Tenant;
  b: Tenant;
  outsider: { id: string; client: SupabaseClient; token: string };
  clients: Record<Role, SupabaseClient>;
  /** The bearer token each role sends (the publishable key for anon, the secret key for service). */
  tokens: Record<Role, string | null>;
  /** A new conversation of `tenant` (a customer writes), for tests that need one nobody has touched. */
  freshConversation(tenant: Tenant): Promise<string>;
}

async function check<T>(what: string, p: PromiseLike<{ data: T; error: { message: string } | null }>): Promise<T> {
  const { data, error } = await p;
  if (error) throw new Error(`${what}: ${error.message}`);
  return data;
}

/** A customer writes to `number`, as the webhook path stores it. */
async function customerWrites(number: string, body: string, media: unknown[] = []) {
  const result = await check('ingest', serviceClient().rpc('ingest_inbound_message', { p: { message_sid: sid('SM'), to: `whatsapp:${number}`, from: `whatsapp:${randomNumber('+1555')}`, body, media } }));
  return result as { conversation_id: string; message_id: string };
}

async function tenant(name: string): Promise<Tenant> {
  const svc = serviceClient();
  const d = await createTestDistributor(name);
  const inboundSid = sid('MM');
  const ingest = await check(
    'ingest',
    svc.rpc('ingest_inbound_message', {
      p: {
        message_sid: inboundSid,
        account_sid: DEMO_ACCOUNT_SID,
        to: `whatsapp:${d.number}`,
        from: `whatsapp:${randomNumber('+1555')}`,
        body: `secret order of ${name}`,
        profile_name: 'Customer',
        media: [{ url: `https://api.twilio.com/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/Messages/${inboundSid}/Media/${sid('ME')}`, content_type: 'image/jpeg' }],
      },
    }),
  );
  const { conversation_id: conversationId, message_id: inboundMessageId } = ingest as { conversation_id: string; message_id: string };
  const conv = await check('conversation', svc.from('conversations').select('contact_id').eq('id', conversationId).single());
  const outboundSid = sid('SM');
  const outbound = await check(
    'outbound',
    svc
      .from('messages')
      .insert({ distributor_id: d.id, conversation_id: conversationId, direction: 'outbound', status: 'sent', body: `reply of ${name}`, twilio_sid: outboundSid, sent_by: d.member.id, client_msg_id: randomUUID() })
      .select('id')
      .single(),
  );
  await check('status', svc.rpc('apply_status_callback', { p: { message_sid: outboundSid, status: 'delivered', from: `whatsapp:${d.number}`, payload: {} } }));
  const event = await check('event', svc.from('message_status_events').select('id').eq('twilio_sid', outboundSid).single());
  const template = await check(
    'template',
    svc
      .from('message_templates')
      .insert({ distributor_id: d.id, account_sid: DEMO_ACCOUNT_SID, content_sid: sid('HX'), name: `${name} order update`, body: 'Your order {{1}} ships today', variables: ['order'] })
      .select('id')
      .single(),
  );
  await check('read cursor', d.member.client.rpc('mark_conversation_read', { p_conversation_id: conversationId }));
  const invitation = await check('invitation', d.member.client.rpc('create_invitation', { p_distributor_id: d.id, p_email: `invitee-${randomUUID()}@example.test`, p_role: 'agent' }));
  const sweep = await check(
    'sweep',
    svc.from('twilio_sweeps').insert({ distributor_id: d.id, sender_id: d.senderId, reason: 'manual', since: new Date(Date.now() - 60_000).toISOString(), through: new Date().toISOString() }).select('id').single(),
  );
  const token = (await d.member.client.auth.getSession()).data.session!.access_token;
  return {
    id: d.id,
    channelKey: d.channelKey,
    number: d.number,
    memberId: d.member.id,
    client: d.member.client,
    token,
    contactId: (conv as { contact_id: string }).contact_id,
    conversationId,
    inboundMessageId,
    inboundSid,
    outboundMessageId: (outbound as { id: string }).id,
    outboundSid,
    templateId: (template as { id: string }).id,
    statusEventId: (event as { id: number }).id,
    senderId: d.senderId,
    invitationId: (invitation as { invitation_id: string }[])[0]!.invitation_id,
    sweepId: (sweep as { id: number }).id,
  };
}

export async function createWorld(): Promise<World> {
  const [a, b, outsider] = await Promise.all([tenant('Tenant A'), tenant('Tenant B'), createTestUser('outsider')]);
  const outsiderToken = (await outsider.client.auth.getSession()).data.session!.access_token;
  return {
    a,
    b,
    outsider: { id: outsider.id, client: outsider.client, token: outsiderToken },
    clients: { anon: anonClient(), memberA: a.client, memberB: b.client, outsider: outsider.client, service: serviceClient() },
    tokens: { anon: null, memberA: a.token, memberB: b.token, outsider: outsiderToken, service: LOCAL_SECRET_KEY },
    freshConversation: async (t) => (await customerWrites(t.number, 'a new customer')).conversation_id,
  };
}
