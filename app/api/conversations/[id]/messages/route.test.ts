import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestUser, serviceClient } from '../../../../../tests/helpers/clients.ts';
import { createTestDistributor, INBOUND_URL, randomNumber } from '../../../../../tests/helpers/app.ts';
import { startTwilioFake, type TwilioFake } from '../../../../../tools/twilio-fake/index.ts';
import { DEMO_ACCOUNT_SID, inboundParams, signedRequest } from '../../../../../tools/twilio-fake/webhooks.ts';
import { POST as inbound } from '../../../twilio/inbound/route.ts';
import { POST as statusCallback } from '../../../twilio/status/route.ts';
import { POST } from './route.ts';

let fake: TwilioFake;
let acme: Awaited<ReturnType<typeof createTestDistributor>>;
let token: string;

beforeAll(async () => {
  // The fake posts its signed status callbacks straight into the status route.
  fake = await startTwilioFake({
    deliverCallback: async (url, params, headers) => (await statusCallback(new Request(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() }))).status,
  });
  process.env.TWILIO_API_BASE_URL = fake.url;
  acme = await createTestDistributor('Send Co');
  token = (await acme.member.client.auth.getSession()).data.session!.access_token;
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

/** A conversation whose customer wrote `ageMs` ago (so the 24-hour window is open or closed). */
async function conversation(ageMs = 0) {
  const customer = randomNumber('+1555');
  const params = inboundParams({ to: acme.number, from: customer, body: 'hi there' });
  expect((await inbound(signedRequest(INBOUND_URL, params))).status).toBe(200);
  const { data } = await serviceClient().from('messages').select('conversation_id').eq('twilio_sid', params.MessageSid!).single();
  if (ageMs > 0) {
    await serviceClient().from('conversations').update({ last_inbound_at: new Date(Date.now() - ageMs).toISOString() }).eq('id', data!.conversation_id);
  }
  return { id: data!.conversation_id as string, customer };
}

function send(conversationId: string, body: unknown, auth: string | null = token, contentType = 'application/json') {
  return POST(
    new Request(`http://localhost/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: conversationId }) },
  );
}

async function messageRow(id: string) {
  return (await serviceClient().from('messages').select('*').eq('id', id).single()).data!;
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('within the 24-hour window', () => {
  test('queues the row, sends through Twilio with our status callback, stores the SID, then the ticks advance to read', async () => {
    const conv = await conversation();
    const clientMsgId = randomUUID();
    const res = await send(conv.id, { client_msg_id: clientMsgId, body: 'Claro, mañana se lo enviamos' });
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: { id: string; status: string; twilio_sid: string; direction: string; sent_by: string } };
    expect(message).toMatchObject({ direction: 'outbound', sent_by: acme.member.id });
    expect(message.twilio_sid).toMatch(/^SM[0-9a-f]{32}$/);
    const sent = fake.messages.find((m) => m.sid === message.twilio_sid)!;
    expect(sent).toMatchObject({ from: `whatsapp:${acme.number}`, to: `whatsapp:${conv.customer}`, body: 'Claro, mañana se lo enviamos', status_callback: 'https://switchboard.test/api/twilio/status' });
    await fake.waitFor((m) => m.sid === message.twilio_sid, { callbacks: 4 });
    expect(sent.callbacks.map((c) => c.responseStatus)).toEqual([200, 200, 200, 200]);
    const final = await eventually(() => messageRow(message.id), (r) => r.status === 'read');
    expect(final.error_code).toBeNull();
    const events = (await serviceClient().from('message_status_events').select('status').eq('message_id', message.id).order('id')).data!;
    expect(events.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
  });

  test('is idempotent on client_msg_id: a retry returns the first row and sends nothing more', async () => {
    const conv = await conversation();
    const clientMsgId = randomUUID();
    const first = await send(conv.id, { client_msg_id: clientMsgId, body: 'once' });
    const again = await send(conv.id, { client_msg_id: clientMsgId, body: 'once' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { message: { id: string } }).message.id).toBe(((await first.json()) as { message: { id: string } }).message.id);
    expect(fake.messages.filter((m) => m.body === 'once')).toHaveLength(1);
  });

  test('a Twilio error at send marks the row failed with the code and a readable reason', async () => {
    const conv = await conversation();
    fake.configure({ failures: { [`whatsapp:${conv.customer}`]: { code: 21610, stage: 'create' } } });
    const res = await send(conv.id, { client_msg_id: randomUUID(), body: 'blocked?' });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string; details: { twilioCode: number; message: { id: string } } } };
    expect(body.error).toMatchObject({ code: 'twilio_error', details: { twilioCode: 21610 } });
    expect(body.error.message).toMatch(/blocked/i);
    expect(await messageRow(body.error.details.message.id)).toMatchObject({ status: 'failed', error_code: 21610 });
  });

  test('a failure reported later by callback (63016) fails the row with the reason', async () => {
    const conv = await conversation();
    fake.configure({ failures: { [`whatsapp:${conv.customer}`]: { code: 63016, stage: 'callback' } } });
    const res = await send(conv.id, { client_msg_id: randomUUID(), body: 'late failure' });
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: { id: string } };
    const row = await eventually(() => messageRow(message.id), (r) => r.status === 'failed');
    expect(row.error_code).toBe(63016);
    expect(row.error_message).toMatch(/24-hour/);
  });
});

describe('outside the 24-hour window', () => {
  test('free text is refused with 422 outside_session_window and nothing is sent', async () => {
    const conv = await conversation(25 * 60 * 60 * 1000);
    const res = await send(conv.id, { client_msg_id: randomUUID(), body: 'hello again' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'outside_session_window' } });
    expect(fake.messages).toHaveLength(0);
  });

  test('an approved template is sent with contentSid and contentVariables, and rendered for the inbox', async () => {
    const conv = await conversation(25 * 60 * 60 * 1000);
    const contentSid = `HX${randomUUID().replace(/-/g, '')}`;
    await serviceClient().from('message_templates').insert({ distributor_id: acme.id, account_sid: DEMO_ACCOUNT_SID, content_sid: contentSid, name: 'Order update', body: 'Hi {{1}}, order {{2}} ships today.', variables: ['name', 'order'] });
    const missing = await send(conv.id, { client_msg_id: randomUUID(), template: { content_sid: contentSid, variables: { 1: 'Ana' } } });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ error: { code: 'missing_template_variables' } });
    const res = await send(conv.id, { client_msg_id: randomUUID(), template: { content_sid: contentSid, variables: { 1: 'Ana', 2: '#1042' } } });
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: { body: string; content_sid: string } };
    expect(message).toMatchObject({ body: 'Hi Ana, order #1042 ships today.', content_sid: contentSid });
    expect(fake.messages[0]).toMatchObject({ content_sid: contentSid, content_variables: JSON.stringify({ 1: 'Ana', 2: '#1042' }), body: null });
    const unknown = await send(conv.id, { client_msg_id: randomUUID(), template: { content_sid: `HX${'0'.repeat(32)}`, variables: {} } });
    expect(unknown.status).toBe(422);
  });
});

describe('refusals', () => {
  test('no session is 401; another distributor\'s conversation is 404; nothing is written or sent', async () => {
    const conv = await conversation();
    expect((await send(conv.id, { client_msg_id: randomUUID(), body: 'x' }, null)).status).toBe(401);
    const other = await createTestDistributor('Outsider Co');
    const otherToken = (await other.member.client.auth.getSession()).data.session!.access_token;
    const clientMsgId = randomUUID();
    const res = await send(conv.id, { client_msg_id: clientMsgId, body: 'x' }, otherToken);
    expect(res.status).toBe(404);
    expect((await serviceClient().from('messages').select('id').eq('client_msg_id', clientMsgId)).data).toEqual([]);
    expect(fake.messages).toHaveLength(0);
  });

  test('a client_msg_id another distributor already used does not collide: both sends go through', async () => {
    const conv = await conversation();
    const other = await createTestDistributor('Same Key Co');
    const otherToken = (await other.member.client.auth.getSession()).data.session!.access_token;
    const params = inboundParams({ to: other.number, from: randomNumber('+1555'), body: 'hola' });
    expect((await inbound(signedRequest(INBOUND_URL, params))).status).toBe(200);
    const otherConv = (await serviceClient().from('messages').select('conversation_id').eq('twilio_sid', params.MessageSid!).single()).data!.conversation_id as string;

    const clientMsgId = randomUUID();
    const ours = await send(conv.id, { client_msg_id: clientMsgId, body: 'from acme' });
    expect(ours.status).toBe(201);
    // unique across all tenants, this insert hit 23505 on a row the retry could not see under RLS: a 500
    const theirs = await send(otherConv, { client_msg_id: clientMsgId, body: 'from the other co' }, otherToken);
    expect(theirs.status).toBe(201);
    const theirsAgain = await send(otherConv, { client_msg_id: clientMsgId, body: 'from the other co' }, otherToken);
    expect(theirsAgain.status).toBe(200);
    const [a, b, c] = await Promise.all([ours, theirs, theirsAgain].map(async (r) => ((await r.json()) as { message: { id: string; distributor_id: string } }).message));
    expect(a!.distributor_id).toBe(acme.id);
    expect(b!.distributor_id).toBe(other.id);
    expect(c!.id).toBe(b!.id);
    expect(fake.messages.map((m) => m.body).sort()).toEqual(['from acme', 'from the other co']);
  });

  test("a client_msg_id a teammate used, or used for another conversation, is a 409 and sends nothing", async () => {
    const conv = await conversation();
    const clientMsgId = randomUUID();
    expect((await send(conv.id, { client_msg_id: clientMsgId, body: 'mine' })).status).toBe(201);
    const teammate = await createTestUser('teammate');
    await serviceClient().from('distributor_members').insert({ distributor_id: acme.id, user_id: teammate.id, role: 'agent', display_name: 'Teddy Teammate' });
    const teammateToken = (await teammate.client.auth.getSession()).data.session!.access_token;
    const reused = await send(conv.id, { client_msg_id: clientMsgId, body: 'theirs' }, teammateToken);
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ error: { code: 'client_msg_id_conflict', message: expect.stringMatching(/already used/) } });
    const elsewhere = await send((await conversation()).id, { client_msg_id: clientMsgId, body: 'elsewhere' });
    expect(elsewhere.status).toBe(409);
    expect(fake.messages.map((m) => m.body)).toEqual(['mine']);
  });

  test('bad bodies get clear errors', async () => {
    const conv = await conversation();
    const cases: Array<[unknown, number, string, string?]> = [
      ['{not json', 400, 'malformed_json'],
      [{ body: 'no id' }, 400, 'invalid_request'],
      [{ client_msg_id: randomUUID() }, 400, 'invalid_request'],
      [{ client_msg_id: randomUUID(), body: '   ' }, 400, 'invalid_request'],
      [{ client_msg_id: randomUUID(), body: 'x'.repeat(5000) }, 400, 'invalid_request'],
      [{ client_msg_id: randomUUID(), body: 'x', template: { content_sid: `HX${'0'.repeat(32)}` } }, 400, 'invalid_request'],
      [{ client_msg_id: randomUUID(), body: 'x', status: 'read' }, 400, 'invalid_request'],
      [{ client_msg_id: randomUUID(), body: 'x' }, 415, 'unsupported_media_type', 'text/plain'],
      [JSON.stringify({ client_msg_id: randomUUID(), body: 'y'.repeat(40_000) }), 413, 'payload_too_large'],
    ];
    for (const [body, status, code, type] of cases) {
      const res = await send(conv.id, body, token, type);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
    expect((await send('not-a-uuid', { client_msg_id: randomUUID(), body: 'x' })).status).toBe(404);
    expect(fake.messages).toHaveLength(0);
  });
});
