import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { serviceClient } from '../../../../../tests/helpers/clients.ts';
import { createTestDistributor, INBOUND_URL, randomNumber } from '../../../../../tests/helpers/app.ts';
import { startTwilioFake, type TwilioFake } from '../../../../../tools/twilio-fake/index.ts';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, inboundParams, sid, signedRequest } from '../../../../../tools/twilio-fake/webhooks.ts';
import { POST as inbound } from '../../../twilio/inbound/route.ts';
import { GET } from './route.ts';

let fake: TwilioFake;
let acme: Awaited<ReturnType<typeof createTestDistributor>>;
let bolt: Awaited<ReturnType<typeof createTestDistributor>>;
let acmeToken: string;
let boltToken: string;

beforeAll(async () => {
  fake = await startTwilioFake();
  process.env.TWILIO_API_BASE_URL = fake.url;
  [acme, bolt] = await Promise.all([createTestDistributor('Media Acme'), createTestDistributor('Media Bolt')]);
  acmeToken = (await acme.member.client.auth.getSession()).data.session!.access_token;
  boltToken = (await bolt.member.client.auth.getSession()).data.session!.access_token;
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

function getMedia(messageId: string, index: string | number = 0, token: string | null = acmeToken) {
  return GET(new Request(`http://localhost/api/media/${messageId}/${index}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }), {
    params: Promise.resolve({ messageId, index: String(index) }),
  });
}

/** An inbound message of `to`'s, through the webhook as Twilio would post it. */
async function inboundWithMedia(to: typeof acme, media: Array<{ url: string; contentType: string }>, messageSid = sid('MM')) {
  const params = inboundParams({ to: to.number, from: randomNumber('+1555'), body: '', messageSid, media });
  expect((await inbound(signedRequest(INBOUND_URL, params))).status).toBe(200);
  const { data } = await serviceClient().from('messages').select('id, conversation_id').eq('twilio_sid', messageSid).single();
  return { id: data!.id as string, conversationId: data!.conversation_id as string, sid: messageSid };
}

/** A message of Acme's that only Twilio knows the contents of: sent through the fake's API with the account. */
async function acmeTwilioMessage(body: string): Promise<string> {
  const res = await fetch(`${fake.url}/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${DEMO_ACCOUNT_SID}:${DEMO_AUTH_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ From: `whatsapp:${acme.number}`, To: `whatsapp:${randomNumber('+1555')}`, Body: body }).toString(),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { sid: string }).sid;
}

const resourceUrl = (messageSid: string) => `${fake.url}/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/Messages/${messageSid}.json`;

describe('the media proxy', () => {
  test("serves an inbound message's media from Twilio's URL for that message, following the CDN redirect without credentials", async () => {
    const messageSid = sid('MM');
    const url = fake.mediaUrl(messageSid);
    const row = await inboundWithMedia(acme, [{ url, contentType: 'image/png' }], messageSid);
    fake.reset();
    const res = await getMedia(row.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('inline');
    expect(Buffer.from(await res.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect(fake.requests.map((r) => [r.path.split('?')[0], r.authorized])).toEqual([
      [new URL(url).pathname, true],
      [`/cdn/${url.slice(-34)}`, false],
    ]);
  });

  test("a member of another distributor cannot read Acme's Twilio message through a URL stored on a message of their own", async () => {
    const secret = `Acme secret ${randomUUID()}`;
    const acmeSid = await acmeTwilioMessage(secret);
    // Bolt's own conversation, and a reply in it that carries the URL of Acme's message resource
    const boltRow = await inboundWithMedia(bolt, []);
    const forged = { distributor_id: bolt.id, conversation_id: boltRow.conversationId, direction: 'outbound', status: 'queued', body: 'x', sent_by: bolt.member.id };
    const media = [{ url: resourceUrl(acmeSid), content_type: 'application/json' }];
    const insert = await bolt.member.client.from('messages').insert({ ...forged, media, client_msg_id: randomUUID() }).select('id');
    expect(insert.error?.code).toBe('42501'); // members no longer write media at all

    // rows written before that (or by any other path) are still never fetched: outbound, and not a Media URL
    const seen = fake.requests.length;
    const legacy = await serviceClient().from('messages').insert({ ...forged, media, client_msg_id: randomUUID() }).select('id').single();
    const res = await getMedia(legacy.data!.id, 0, boltToken);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(secret);
    // even on an inbound message of Bolt's, a stored URL that is not that message's own media is refused
    const inboundRow = await inboundWithMedia(bolt, [{ url: resourceUrl(acmeSid), contentType: 'application/json' }]);
    const viaInbound = await getMedia(inboundRow.id, 0, boltToken);
    expect(viaInbound.status).toBe(404);
    expect(await viaInbound.text()).not.toContain(secret);
    expect(fake.requests.slice(seen).filter((r) => r.path.startsWith('/2010-04-01/') && r.method === 'GET')).toEqual([]);
  });

  test('odd stored values are a 404, never a 500, and never reach Twilio or a response header', async () => {
    const messageSid = sid('MM');
    const own = (mediaSid = sid('ME')) => `${fake.url}/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/Messages/${messageSid}/Media/${mediaSid}`;
    const origin = new URL(fake.url);
    const row = await inboundWithMedia(acme, [{ url: own(), contentType: 'image/png' }], messageSid);
    const cases: Array<{ url: unknown; content_type: unknown }> = [
      { url: own().replace('http://', 'http://user:pass@'), content_type: 'image/png' },
      { url: `http://${origin.host}@evil.test${new URL(own()).pathname}`, content_type: 'image/png' },
      { url: own().replace(/\/Media\//, '%2FMedia%2F'), content_type: 'image/png' },
      { url: own().replace(/Media\/ME\w+$/, `Media/..%2F..%2F${messageSid}.json`), content_type: 'image/png' },
      { url: `${own()}\r\nX-Injected: 1`, content_type: 'image/png' },
      { url: `${fake.url}/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/Messages/${sid('MM')}/Media/${sid('ME')}`, content_type: 'image/png' },
      { url: `${fake.url}/2010-04-01/Accounts/AC${'1'.repeat(32)}/Messages/${messageSid}/Media/${sid('ME')}`, content_type: 'image/png' },
      { url: `${fake.url}/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/Messages.json`, content_type: 'application/json' },
      { url: own(), content_type: 'image/png\r\nSet-Cookie: sb=stolen' },
      { url: own(), content_type: 'text/html; charset=utf-8' },
      { url: own(), content_type: 'image/png\t' },
      { url: own(), content_type: null },
      { url: 42, content_type: 'image/png' },
      { url: 'not a url', content_type: 'image/png' },
    ];
    expect((await serviceClient().from('messages').update({ media: cases }).eq('id', row.id)).error).toBeNull();
    fake.reset();
    for (let i = 0; i < cases.length; i++) {
      const res = await getMedia(row.id, i);
      expect(res.status, JSON.stringify(cases[i])).toBe(404);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('x-injected')).toBeNull();
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No such media.' } });
    }
    for (const index of ['10', '01', '1e0', '-0', ' 1', '0x1', '']) expect((await getMedia(row.id, index)).status, index).toBe(404);
    expect((await getMedia(row.id, 0, boltToken)).status).toBe(404); // another distributor's message
    expect((await getMedia(row.id, 0, null)).status).toBe(401);
    expect(fake.requests).toEqual([]);
  });
});
