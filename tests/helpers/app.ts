import { randomInt } from 'node:crypto';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from '../../tools/twilio-fake/webhooks.ts';
import { createTestUser, serviceClient } from './clients.ts';

export const PUBLIC_BASE_URL = 'https://switchboard.test';
export const INBOUND_URL = `${PUBLIC_BASE_URL}/api/twilio/inbound`;
export const STATUS_URL = `${PUBLIC_BASE_URL}/api/twilio/status`;

export const randomNumber = (prefix = '+1999') => `${prefix}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

/**
 * A workspace of the test's own with one member (its owner) signed in and one WhatsApp sender (its own number) on
 * `account` (the Twilio fake's demo account unless given), whose Auth Token is stored in Vault as the app stores it.
 */
export async function createTestDistributor(name = 'Test Distribution', account = { sid: DEMO_ACCOUNT_SID, token: DEMO_AUTH_TOKEN }) {
  const number = randomNumber('+1888');
  const svc = serviceClient();
  const { data, error } = await svc.from('distributors').insert({ name }).select('id, channel_key').single();
  if (error) throw new Error(`distributor: ${error.message}`);
  const member = await createTestUser('member');
  const m = await svc.from('distributor_members').insert({ distributor_id: data.id, user_id: member.id, role: 'owner', display_name: 'Tess Tester' });
  if (m.error) throw new Error(`member: ${m.error.message}`);
  const sender = await svc.rpc('save_whatsapp_sender', {
    p_actor: member.id, p_distributor_id: data.id, p_sender_id: null as unknown as string, p_label: 'WhatsApp', p_whatsapp_number: number,
    p_messaging_service_sid: null as unknown as string, p_account_sid: account.sid, p_auth_token: account.token,
    p_api_key_sid: null as unknown as string, p_api_key_secret: null as unknown as string,
  });
  if (sender.error) throw new Error(`sender: ${sender.error.message}`);
  return { id: data.id as string, channelKey: data.channel_key as string, number, senderId: sender.data as string, member };
}

export async function countMessages(filter: { distributorId?: string; sid?: string } = {}): Promise<number> {
  let q = serviceClient().from('messages').select('id', { count: 'exact', head: true });
  if (filter.distributorId) q = q.eq('distributor_id', filter.distributorId);
  if (filter.sid) q = q.eq('twilio_sid', filter.sid);
  const { count, error } = await q;
  if (error) throw new Error(error.message);
  return count ?? 0;
}
