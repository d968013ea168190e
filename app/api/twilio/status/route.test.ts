import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { serviceClient } from '../../../../tests/helpers/clients.ts';
import { createTestDistributor, randomNumber, STATUS_URL } from '../../../../tests/helpers/app.ts';
import { DEMO_ACCOUNT_SID, sid, signedRequest } from '../../../../tools/twilio-fake/webhooks.ts';
import { POST } from './route.ts';

let distributor: Awaited<ReturnType<typeof createTestDistributor>>;
let conversationId: string;

beforeAll(async () => {
  distributor = await createTestDistributor('Status Co');
  const svc = serviceClient();
  const contact = await svc.from('contacts').insert({ distributor_id: distributor.id, wa_id: randomNumber('+1555') }).select('id').single();
  const conv = await svc.from('conversations').insert({ distributor_id: distributor.id, sender_id: distributor.senderId, contact_id: contact.data!.id }).select('id').single();
  conversationId = conv.data!.id;
});

/** An outbound message as the send route leaves it: queued, with (or still without) its SID. */
async function outbound(withSid = true) {
  const messageSid = sid('SM');
  const { data, error } = await serviceClient()
    .from('messages')
    .insert({ distributor_id: distributor.id, conversation_id: conversationId, direction: 'outbound', status: 'queued', body: 'hello', client_msg_id: randomUUID(), twilio_sid: withSid ? messageSid : null })
    .select('id')
    .single();
  if (error) throw new Error(error.message);
  return { id: data.id as string, sid: messageSid };
}

function callback(messageSid: string, status: string, extra: Record<string, string> = {}) {
  return POST(
    signedRequest(STATUS_URL, {
      AccountSid: DEMO_ACCOUNT_SID,
      MessageSid: messageSid,
      SmsSid: messageSid,
      MessageStatus: status,
      SmsStatus: status,
      From: `whatsapp:${distributor.number}`,
      To: 'whatsapp:+15550001111',
      ApiVersion: '2010-04-01',
      ChannelPrefix: 'whatsapp',
      ...extra,
    }),
  );
}

async function state(id: string) {
  const svc = serviceClient();
  const message = (await svc.from('messages').select('status, error_code, error_message').eq('id', id).single()).data!;
  const events = (await svc.from('message_status_events').select('status, applied').eq('message_id', id).order('id')).data!;
  return { ...message, events: events.map((e) => e.status) };
}

describe('ordering', () => {
  test('out-of-order and duplicate callbacks: the status only moves up, every callback is logged', async () => {
    const m = await outbound();
    for (const s of ['delivered', 'sent', 'delivered', 'read', 'queued', 'sent']) expect((await callback(m.sid, s)).status).toBe(200);
    expect(await state(m.id)).toEqual({ status: 'read', error_code: null, error_message: null, events: ['delivered', 'sent', 'delivered', 'read', 'queued', 'sent'] });
  });

  test('a failure wins over sent but not over delivered; a later delivery wins over a failure', async () => {
    const a = await outbound();
    await callback(a.sid, 'sent');
    await callback(a.sid, 'undelivered', { ErrorCode: '30003', ErrorMessage: '' });
    expect(await state(a.id)).toMatchObject({ status: 'undelivered', error_code: 30003, error_message: expect.stringMatching(/unreachable/) });
    await callback(a.sid, 'delivered');
    expect(await state(a.id)).toMatchObject({ status: 'delivered', error_code: null, error_message: null });

    const b = await outbound();
    await callback(b.sid, 'delivered');
    await callback(b.sid, 'failed', { ErrorCode: '30008' });
    expect(await state(b.id)).toMatchObject({ status: 'delivered', error_code: null });
  });

  test('a callback that arrives before the SID is stored waits, then applies when it is', async () => {
    const m = await outbound(false);
    expect((await callback(m.sid, 'sent')).status).toBe(200);
    expect((await callback(m.sid, 'delivered')).status).toBe(200);
    expect(await state(m.id)).toMatchObject({ status: 'queued', events: [] });
    const pending = (await serviceClient().from('message_status_events').select('message_id, applied').eq('twilio_sid', m.sid)).data!;
    expect(pending).toEqual([{ message_id: null, applied: false }, { message_id: null, applied: false }]);
    const { error } = await serviceClient().rpc('record_outbound_sid', { p_message_id: m.id, p_sid: m.sid, p_status: 'queued' });
    expect(error).toBeNull();
    expect(await state(m.id)).toMatchObject({ status: 'delivered', events: ['sent', 'delivered'] });
  });
});

describe('refusals', () => {
  test('a forged signature is 403 and changes nothing', async () => {
    const m = await outbound();
    const forged = signedRequest(STATUS_URL, { AccountSid: DEMO_ACCOUNT_SID, MessageSid: m.sid, MessageStatus: 'read' }, 'wrong-token');
    expect((await POST(forged)).status).toBe(403);
    expect(await state(m.id)).toMatchObject({ status: 'queued', events: [] });
  });

  test('unknown statuses and malformed SIDs are 400', async () => {
    const m = await outbound();
    expect((await callback(m.sid, 'teleported')).status).toBe(400);
    expect((await callback('SM-nope', 'sent')).status).toBe(400);
    expect((await callback(m.sid, 'sent', { ErrorCode: 'abc' })).status).toBe(400);
    expect(await state(m.id)).toMatchObject({ status: 'queued', events: [] });
  });
});
