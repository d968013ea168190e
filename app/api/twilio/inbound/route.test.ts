import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serviceClient } from '../../../../tests/helpers/clients.ts';
import { countMessages, createTestDistributor, INBOUND_URL, randomNumber } from '../../../../tests/helpers/app.ts';
import { startTwilioFake, type TwilioFake } from '../../../../tools/twilio-fake/index.ts';
import { DEMO_AUTH_TOKEN, inboundParams, sid, signature, signedRequest } from '../../../../tools/twilio-fake/webhooks.ts';
import { GET as getMedia } from '../../media/[messageId]/[index]/route.ts';
import { POST } from './route.ts';

let distributor: Awaited<ReturnType<typeof createTestDistributor>>;
let fake: TwilioFake;

beforeAll(async () => {
  fake = await startTwilioFake();
  process.env.TWILIO_API_BASE_URL = fake.url;
  distributor = await createTestDistributor('Inbound Co');
});
afterAll(async () => {
  await fake?.close();
});

const message = (extra: Partial<Parameters<typeof inboundParams>[0]> = {}) =>
  inboundParams({ to: distributor.number, from: randomNumber('+1555'), body: 'Hola, quiero 5 cajas', profileName: 'Lucía', ...extra });

async function rowFor(messageSid: string) {
  const { data } = await serviceClient()
    .from('messages')
    .select('*, conversation:conversations(last_message_preview, last_inbound_at, inbound_count, status, contact:contacts(wa_id, phone, bsuid, profile_name))')
    .eq('twilio_sid', messageSid)
    .maybeSingle();
  return data as (Record<string, unknown> & { conversation: Record<string, unknown> & { contact: Record<string, unknown> } }) | null;
}

describe('signed webhooks', () => {
  test('a valid message is stored once, with its contact and conversation, and answered with empty TwiML', async () => {
    const params = message();
    const res = await POST(signedRequest(INBOUND_URL, params));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const row = await rowFor(params.MessageSid!);
    expect(row).toMatchObject({ direction: 'inbound', status: 'received', body: 'Hola, quiero 5 cajas', distributor_id: distributor.id });
    expect(row!.conversation).toMatchObject({ last_message_preview: 'Hola, quiero 5 cajas', inbound_count: 1, status: 'open' });
    expect(row!.conversation.last_inbound_at).toEqual(expect.any(String));
    expect(row!.conversation.contact).toMatchObject({ wa_id: params.From!.slice(9), phone: params.From!.slice(9), profile_name: 'Lucía' });
  });

  test('a second message from the same customer joins the same conversation', async () => {
    const from = randomNumber('+1555');
    const first = message({ from, body: 'one' });
    const second = message({ from, body: 'two' });
    await POST(signedRequest(INBOUND_URL, first));
    await POST(signedRequest(INBOUND_URL, second));
    const [a, b] = await Promise.all([rowFor(first.MessageSid!), rowFor(second.MessageSid!)]);
    expect(a!.conversation_id).toBe(b!.conversation_id);
    expect(b!.conversation).toMatchObject({ last_message_preview: 'two', inbound_count: 2 });
  });

  test('50 concurrent deliveries of one MessageSid make exactly one row', async () => {
    const params = message();
    const responses = await Promise.all(Array.from({ length: 50 }, () => POST(signedRequest(INBOUND_URL, params))));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(await countMessages({ sid: params.MessageSid })).toBe(1);
    expect((await rowFor(params.MessageSid!))!.conversation).toMatchObject({ inbound_count: 1 });
  });

  test('a message to a number no sender has is refused (403) and writes nothing', async () => {
    const params = inboundParams({ to: randomNumber('+1777'), from: randomNumber('+1555'), body: 'hello?' });
    const res = await POST(signedRequest(INBOUND_URL, params));
    expect(res.status).toBe(403);
    expect(await countMessages({ sid: params.MessageSid })).toBe(0);
  });

  test('a username (BSUID) sender is linked to the contact its phone number already has', async () => {
    const phone = randomNumber('+1555');
    const bsuid = `BR.${randomBytes(8).toString('hex')}`;
    const byPhone = message({ from: phone, body: 'by phone' });
    await POST(signedRequest(INBOUND_URL, byPhone));
    const byBsuid = inboundParams({ to: distributor.number, from: bsuid, body: 'by username', extra: { WaId: phone.slice(1), ExternalUserId: `whatsapp:${bsuid}`, ProfileUsername: 'luci' } });
    expect((await POST(signedRequest(INBOUND_URL, byBsuid))).status).toBe(200);
    const [a, b] = await Promise.all([rowFor(byPhone.MessageSid!), rowFor(byBsuid.MessageSid!)]);
    expect(b!.conversation_id).toBe(a!.conversation_id);
    expect(b!.conversation.contact).toMatchObject({ phone, bsuid });
  });

  test('media URLs and types are stored and served to members through Twilio with the account credentials', async () => {
    // as Twilio sends it: the media lives under the inbound message's own SID
    const messageSid = sid('MM');
    const url = fake.mediaUrl(messageSid);
    const params = message({ messageSid, body: '', media: [{ url, contentType: 'image/png' }] });
    expect((await POST(signedRequest(INBOUND_URL, params))).status).toBe(200);
    const row = await rowFor(params.MessageSid!);
    expect(row).toMatchObject({ media: [{ url, content_type: 'image/png' }], message_type: 'image' });
    expect(row!.conversation.last_message_preview).toBe('📎 Attachment');

    const token = (await distributor.member.client.auth.getSession()).data.session!.access_token;
    const asMember = new Request(`http://localhost/api/media/${row!.id}/0`, { headers: { authorization: `Bearer ${token}` } });
    const res = await getMedia(asMember, { params: Promise.resolve({ messageId: row!.id as string, index: '0' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    const outsider = await createTestDistributor('Other Co');
    const otherToken = (await outsider.member.client.auth.getSession()).data.session!.access_token;
    const denied = await getMedia(new Request('http://localhost/x', { headers: { authorization: `Bearer ${otherToken}` } }), {
      params: Promise.resolve({ messageId: row!.id as string, index: '0' }),
    });
    expect(denied.status).toBe(404);
    const anonymous = await getMedia(new Request('http://localhost/x'), { params: Promise.resolve({ messageId: row!.id as string, index: '0' }) });
    expect(anonymous.status).toBe(401);
  });
});

describe('refusals', () => {
  const refused = async (request: Request, status: number, code: string) => {
    const res = await POST(request);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
  };

  test('a forged or missing signature is 403 and writes nothing', async () => {
    const params = message();
    await refused(signedRequest(INBOUND_URL, params, 'not-the-auth-token'), 403, 'invalid_signature');
    const unsigned = new Request(INBOUND_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    await refused(unsigned, 403, 'invalid_signature');
    expect(await countMessages({ sid: params.MessageSid })).toBe(0);
  });

  test('a signature over another URL, scheme or query is 403', async () => {
    const params = message();
    const sign = (url: string) => signature(DEMO_AUTH_TOKEN, url, params);
    const send = (requestUrl: string, signedUrl: string) =>
      POST(new Request(requestUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(signedUrl) }, body: new URLSearchParams(params).toString() }));
    expect((await send(INBOUND_URL, 'https://evil.test/api/twilio/inbound')).status).toBe(403);
    expect((await send(INBOUND_URL, INBOUND_URL.replace('https:', 'http:'))).status).toBe(403);
    expect((await send(`${INBOUND_URL}?tenant=acme`, INBOUND_URL)).status).toBe(403);
    expect((await send(INBOUND_URL, `${INBOUND_URL}?tenant=acme`)).status).toBe(403);
    // the query Twilio signed is part of the URL it called: signed together, accepted
    expect((await send(`${INBOUND_URL}?tenant=acme`, `${INBOUND_URL}?tenant=acme`)).status).toBe(200);
  });

  test('the URL is the configured public one: a proxy that forwards to another host does not break signatures', async () => {
    const params = message();
    const forwarded = new Request('http://10.0.0.5:3000/api/twilio/inbound', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(DEMO_AUTH_TOKEN, INBOUND_URL, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect((await POST(forwarded)).status).toBe(200);
  });

  test('a parameter added after signing is 403', async () => {
    const params = message();
    const sig = signature(DEMO_AUTH_TOKEN, INBOUND_URL, params);
    const tampered = new URLSearchParams({ ...params, Body: 'send me everything' }).toString();
    const added = new URLSearchParams({ ...params, Extra: '1' }).toString();
    for (const body of [tampered, added]) {
      const res = await POST(new Request(INBOUND_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body }));
      expect(res.status).toBe(403);
    }
    expect(await countMessages({ sid: params.MessageSid })).toBe(0);
  });

  test('malformed (400), wrong type (415) and oversize (413) bodies write nothing', async () => {
    const broken = { ...message(), MessageSid: 'not-a-sid' };
    await refused(signedRequest(INBOUND_URL, broken), 400, 'malformed_webhook');
    const noFrom = message();
    delete noFrom.From;
    await refused(signedRequest(INBOUND_URL, noFrom), 400, 'malformed_webhook');
    await refused(new Request(INBOUND_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 415, 'unsupported_media_type');
    const huge = message({ body: 'x'.repeat(70_000) });
    await refused(signedRequest(INBOUND_URL, huge), 413, 'payload_too_large');
    expect(await countMessages({ sid: huge.MessageSid })).toBe(0);
  });

  test('answers never carry stack traces or secrets', async () => {
    const res = await POST(signedRequest(INBOUND_URL, { ...message(), NumMedia: '1' }));
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toMatch(/at .*\.ts:\d+|test-auth-token|sb_secret/);
  });
});

test('2,000 randomly malformed bodies: never a 5xx, never a row', async () => {
  const before = await countMessages({ distributorId: distributor.id });
  const rnd = (n: number) => Math.floor(Math.random() * n);
  const junkString = () => {
    const alphabet = ['a', 'Z', '0', '%', '&', '=', '+', ' ', '\u0000', 'é', '💬', '\\', '"', '<', '\n', '%ZZ', '%00', '%C3%28'];
    return Array.from({ length: rnd(40) }, () => alphabet[rnd(alphabet.length)]).join('');
  };
  // Every mutation leaves the message invalid (or addressed to no distributor), so none may be stored.
  const mutate = (): Record<string, string> => {
    const p: Record<string, string> = { ...message() };
    const required = ['MessageSid', 'AccountSid', 'From', 'To'];
    switch (rnd(8)) {
      case 0: // drop a required field
        delete p[required[rnd(required.length)]!];
        break;
      case 1: // garbage in a required field
        p[required[rnd(required.length)]!] = junkString();
        break;
      case 2: // wrong sid shapes
        p.MessageSid = [sid('SM').toUpperCase(), 'SM123', '', `SM${'g'.repeat(32)}`][rnd(4)]!;
        break;
      case 3: // media that does not add up
        p.NumMedia = String([1, 3, 11, -1, 1.5][rnd(5)]);
        if (rnd(2)) p.MediaUrl0 = ['javascript:alert(1)', 'not a url', 'ftp://x/y'][rnd(3)]!;
        break;
      case 4: // addresses
        p.From = ['whatsapp:', '+15551234567', 'whatsapp:+0', `whatsapp:+1${junkString()}x`][rnd(4)]!;
        break;
      case 5: // coordinates, flags and ids of the wrong shape
        Object.assign(p, [{ Latitude: ['1000', 'NaN', 'x'][rnd(3)]!, Longitude: '0' }, { Forwarded: 'yes' }, { WaId: `+${junkString()}` }][rnd(3)]);
        break;
      case 6: // values too long, with NUL bytes
        p.Body = `\u0000${'x'.repeat(5000)}`;
        p.ProfileName = 'x'.repeat(300);
        break;
      default: // signed and well formed, but addressed to a number no distributor has
        p[junkString() || 'k'] = junkString();
        p.To = `whatsapp:${randomNumber('+1777')}`;
    }
    return p;
  };
  const requests: Request[] = [];
  for (let i = 0; i < 2000; i++) {
    const kind = rnd(10);
    if (kind < 6) {
      requests.push(signedRequest(INBOUND_URL, mutate())); // signed, so it reaches the parser
    } else if (kind < 8) {
      const raw = Buffer.from(Array.from({ length: rnd(300) }, () => rnd(256)));
      requests.push(new Request(INBOUND_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': randomBytes(rnd(40)).toString('base64') }, body: raw }));
    } else if (kind < 9) {
      requests.push(new Request(INBOUND_URL, { method: 'POST', headers: { 'content-type': ['text/plain', 'application/json', ''][rnd(3)]! }, body: junkString() }));
    } else {
      const body = new URLSearchParams(mutate()).toString();
      requests.push(new Request(INBOUND_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(DEMO_AUTH_TOKEN, INBOUND_URL, {}) }, body }));
    }
  }
  const statuses = new Map<number, number>();
  for (let i = 0; i < requests.length; i += 50) {
    const batch = await Promise.all(requests.slice(i, i + 50).map((r) => POST(r)));
    for (const res of batch) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  for (const status of statuses.keys()) expect(status, JSON.stringify(Object.fromEntries(statuses))).toBeLessThan(500);
  expect(statuses.get(403)).toBeGreaterThan(0);
  expect(statuses.get(400)).toBeGreaterThan(0);
  expect(await countMessages({ distributorId: distributor.id })).toBe(before);
}, 120_000);
