import { randomInt } from 'node:crypto';
import { createTestUser, serviceClient } from './clients.ts';

export const PUBLIC_BASE_URL = 'https://switchboard.test';
export const INBOUND_URL = `${PUBLIC_BASE_URL}/api/twilio/inbound`;
export const STATUS_URL = `${PUBLIC_BASE_URL}/api/twilio/status`;

export const randomNumber = (prefix = '+1999') => `${prefix}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

/** A distributor of the test's own (own WhatsApp number), with one member signed in. */
export async function createTestDistributor(name = 'Test Distribution') {
  const number = randomNumber('+1888');
  const svc = serviceClient();
  const { data, error } = await svc.from('distributors').insert({ name, whatsapp_number: number }).select('id').single();
  if (error) throw new Error(`distributor: ${error.message}`);
  const member = await createTestUser('member');
  const m = await svc.from('distributor_members').insert({ distributor_id: data.id, user_id: member.id, role: 'owner', display_name: 'Tess Tester' });
  if (m.error) throw new Error(`member: ${m.error.message}`);
  return { id: data.id as string, number, member };
}

export async function countMessages(filter: { distributorId?: string; sid?: string } = {}): Promise<number> {
  let q = serviceClient().from('messages').select('id', { count: 'exact', head: true });
  if (filter.distributorId) q = q.eq('distributor_id', filter.distributorId);
  if (filter.sid) q = q.eq('twilio_sid', filter.sid);
  const { count, error } = await q;
  if (error) throw new Error(error.message);
  return count ?? 0;
}
