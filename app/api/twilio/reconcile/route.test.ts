// Reconciliation with Twilio's log, through the cron route and the fake Twilio's real message log: what the webhook
// missed (the app was away: every delivery failed) is ingested once, media included; a lost status callback's final
// status is applied; a second sweep finds nothing new; the route answers only its secret.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTwilioFake, type TwilioFake } from '../../../../tools/twilio-fake/index.ts';
import { DEMO_ACCOUNT_SID } from '../../../../tools/twilio-fake/webhooks.ts';
import { countMessages, createTestDistributor, INBOUND_URL, randomNumber } from '../../../../tests/helpers/app.ts';
import { serviceClient } from '../../../../tests/helpers/clients.ts';

const SECRET = 'reconcile-secret-for-tests-0123456789abcdef';
process.env.RECONCILE_SECRET = SECRET;

let fake: TwilioFake;
let POST: (request: Request) => Promise<Response>;
let inboundPOST: (request: Request) => Promise<Response>;
/** While false the app is "away": every webhook delivery fails as a refused connection. */
let appUp = true;

beforeAll(async () => {
  ({ POST } = await import('./route.ts'));
  ({ POST: inboundPOST } = await import('../inbound/route.ts'));
  fake = await startTwilioFake({
    deliverInbound: async (url, params, headers) => {
      if (!appUp) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const res = await inboundPOST(new Request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() }));
      return res.status;
    },
  });
  process.env.TWILIO_API_BASE_URL = fake.url;
});
afterAll(async () => {
  await fake?.close();
});

const sweep = (token = SECRET) => POST(new Request('https://switchboard.test/api/twilio/reconcile', { method: 'POST', headers: { authorization: `Bearer ${token}` } }));
const URL_NO_RETRY = `${INBOUND_URL}#rc=0`;

describe('POST /api/twilio/reconcile', () => {
  test('answers only its secret', async () => {
    expect((await POST(new Request('https://switchboard.test/api/twilio/reconcile', { method: 'POST' }))).status).toBe(401);
    expect((await sweep('x'.repeat(SECRET.length))).status).toBe(401);
    expect((await sweep('short')).status).toBe(401);
  });

  test('ingests what the webhook missed, once, with media; applies lost final statuses; a second sweep recovers nothing', async () => {
    const d = await createTestDistributor('Reconcile Co');
    const customer = randomNumber('+1555');
    const delivered = await fake.inbound({ accountSid: DEMO_ACCOUNT_SID, from: customer, to: d.number, body: 'arrived live', url: URL_NO_RETRY });
    expect(delivered.delivered).toBe(true);

    appUp = false;
    const missed = [];
    try {
      for (const body of ['while you were away', 'second one']) {
        missed.push(await fake.inbound({ accountSid: DEMO_ACCOUNT_SID, from: customer, to: d.number, body, url: URL_NO_RETRY }));
      }
      missed.push(await fake.inbound({ accountSid: DEMO_ACCOUNT_SID, from: customer, to: d.number, body: '', media: [{ contentType: 'image/jpeg' }], url: URL_NO_RETRY }));
    } finally {
      appUp = true;
    }
    expect(missed.map((m) => m.delivered)).toEqual([false, false, false]);
    expect(await countMessages({ distributorId: d.id })).toBe(1);

    // an outbound message whose callbacks never reached us: Twilio's log says delivered, we say queued
    const sent = await fakeSend(d.number, customer);
    const { data: out } = await serviceClient()
      .from('messages')
      .insert({ distributor_id: d.id, conversation_id: await conversationOf(d.id), direction: 'outbound', status: 'queued', body: 'your order', twilio_sid: sent })
      .select('id')
      .single();
    await markDelivered(sent);

    const res = await sweep();
    expect(res.status).toBe(200);
    // (other files' senders are swept too, on accounts this fake does not have: only this sender's sweep is judged)
    const summary = (await res.json()) as { senders: number; recovered_inbound: number; recovered_statuses: number; failed: number };
    expect(summary.recovered_inbound).toBeGreaterThanOrEqual(3);
    expect(await countMessages({ distributorId: d.id })).toBe(5); // 1 live + 3 recovered + 1 outbound
    for (const m of missed) expect(await countMessages({ sid: m.sid })).toBe(1);
    const { data: media } = await serviceClient().from('messages').select('media').eq('twilio_sid', missed[2]!.sid).single();
    expect(media!.media).toEqual([expect.objectContaining({ content_type: 'image/jpeg', url: expect.stringContaining(`/Messages/${missed[2]!.sid}/Media/ME`) })]);
    const { data: status } = await serviceClient().from('messages').select('status').eq('id', out!.id).single();
    expect(status!.status).toBe('delivered');

    const { data: sweeps } = await serviceClient().from('twilio_sweeps').select('reason, recovered_inbound, recovered_statuses, listed_inbound, error').eq('sender_id', d.senderId).order('started_at');
    expect(sweeps!.at(-1)).toMatchObject({ reason: 'schedule', recovered_inbound: 3, recovered_statuses: 1, listed_inbound: 4, error: null });

    await sweep();
    const { data: again } = await serviceClient().from('twilio_sweeps').select('recovered_inbound, recovered_statuses, error').eq('sender_id', d.senderId).order('started_at');
    expect(again!.at(-1)).toEqual({ recovered_inbound: 0, recovered_statuses: 0, error: null });
    expect(await countMessages({ distributorId: d.id })).toBe(5);
  });
});

async function conversationOf(distributorId: string): Promise<string> {
  const { data } = await serviceClient().from('conversations').select('id').eq('distributor_id', distributorId).limit(1).single();
  return data!.id as string;
}

/** A send through the fake's API (as the app's reply path does), with no status callback URL: its callbacks are lost. */
async function fakeSend(from: string, to: string): Promise<string> {
  const res = await fetch(`${fake.url}/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${DEMO_ACCOUNT_SID}:${fake.authToken}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ From: `whatsapp:${from}`, To: `whatsapp:${to}`, Body: 'your order' }).toString(),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { sid: string }).sid;
}

/** Twilio delivered it (its log says so); no callback reached the app. */
async function markDelivered(messageSid: string): Promise<void> {
  const m = fake.messages.find((x) => x.sid === messageSid)!;
  m.status = 'delivered';
  m.date_sent = new Date().toUTCString();
}
