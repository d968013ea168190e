/**
 * The message log as a reconciliation sweep reads it through twilio-node: the Messages list with its filters,
 * order and pages, one account's log hidden from another, and the Media subresource of a received message.
 * Webhooks go to a transport that takes them all: here the log is what is tested, not the delivery.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fakeTwilioClient } from './client.ts';
import { DEMO_NUMBERS } from './demo.ts';
import { gmtDay } from './history.ts';
import { startTwilioFake, type FakeAccount, type TwilioFake } from './index.ts';
import { failure } from './testing.ts';

let fake: TwilioFake;
beforeAll(async () => {
  fake = await startTwilioFake({ deliverInbound: async () => 204, deliverCallback: async () => 204 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.resetAccounts();
  fake.configure({ lifecycle: [{ status: 'queued', afterMs: 1 }, { status: 'sent', afterMs: 2 }] });
});

const ACME = `whatsapp:${DEMO_NUMBERS.acme}`;
const BOLT = `whatsapp:${DEMO_NUMBERS.bolt}`;
const CUSTOMER = '+15551230001';
const HOOK = 'https://app.test/api/twilio/inbound';
const demo = () => fakeTwilioClient(fake.url, { accountSid: fake.accountSid, authToken: fake.authToken });
const receive = (body: string, dateSent: string, to: string = DEMO_NUMBERS.acme) => fake.inbound({ from: CUSTOMER, to, body, dateSent, url: HOOK });
const basic = (sid: string, token: string) => ({ authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}` });

describe('the Messages list', () => {
  test('To lists what a sender received, From what it sent, newest first, each as Twilio renders it', async () => {
    await receive('first', '2024-05-01T10:00:00Z');
    await receive('third', '2024-05-02T18:00:00Z');
    await receive('second', '2024-05-02T09:00:00Z');
    await receive('to bolt', '2024-05-02T12:00:00Z', DEMO_NUMBERS.bolt);
    const sent = await demo().messages.create({ from: ACME, to: `whatsapp:${CUSTOMER}`, body: 'reply', statusCallback: 'https://app.test/status' });
    await fake.waitFor((m) => m.sid === sent.sid, { callbacks: 2 });

    const received = await demo().messages.list({ to: ACME });
    expect(received.map((m) => m.body)).toEqual(['third', 'second', 'first']);
    expect(received[0]).toMatchObject({ direction: 'inbound', status: 'received', from: `whatsapp:${CUSTOMER}`, to: ACME, numMedia: '0', accountSid: fake.accountSid });
    expect(received[0]!.dateSent).toEqual(new Date('2024-05-02T18:00:00Z'));
    expect((await demo().messages.list({ to: BOLT })).map((m) => m.body)).toEqual(['to bolt']);

    const outbound = await demo().messages.list({ from: ACME });
    expect(outbound.map((m) => [m.sid, m.direction, m.status])).toEqual([[sent.sid, 'outbound-api', 'sent']]);
    expect(outbound[0]!.dateSent).toBeInstanceOf(Date); // set when it left Twilio
    expect((await demo().messages.list()).map((m) => m.body)).toEqual(['reply', 'third', 'to bolt', 'second', 'first']);
  });

  test('DateSent, DateSent< and DateSent> compare GMT days, inclusively, whatever time twilio-node sends', async () => {
    await receive('may 1', '2024-05-01T23:59:59Z');
    await receive('may 2 morning', '2024-05-02T00:00:00Z');
    await receive('may 2 evening', '2024-05-02T20:00:00Z');
    await receive('may 3', '2024-05-03T08:00:00Z');
    const bodies = async (opts: Parameters<ReturnType<typeof demo>['messages']['list']>[0]) => (await demo().messages.list({ to: ACME, ...opts })).map((m) => m.body);

    // the watermark's time of day is dropped: all of May 2 comes back, so a sweep must skip what it already has
    expect(await bodies({ dateSentAfter: new Date('2024-05-02T12:00:00Z') })).toEqual(['may 3', 'may 2 evening', 'may 2 morning']);
    expect(await bodies({ dateSentBefore: new Date('2024-05-02T00:00:00Z') })).toEqual(['may 2 evening', 'may 2 morning', 'may 1']);
    expect(await bodies({ dateSent: new Date('2024-05-02T15:00:00Z') })).toEqual(['may 2 evening', 'may 2 morning']);
    expect(await bodies({ dateSentAfter: new Date('2024-05-02T00:00:00Z'), dateSentBefore: new Date('2024-05-02T23:00:00Z') })).toEqual(['may 2 evening', 'may 2 morning']);
    expect(await bodies({ dateSentAfter: new Date('2024-05-04T00:00:00Z') })).toEqual([]);

    // the form of Twilio's own reference: DateSent>=YYYY-MM-DD is the parameter `DateSent>` with a plain day
    const raw = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json?To=${encodeURIComponent(ACME)}&DateSent>=2024-05-03`, {
      headers: basic(fake.accountSid, fake.authToken),
    });
    expect(((await raw.json()) as { messages: Array<{ body: string }> }).messages.map((m) => m.body)).toEqual(['may 3']);
    const invalid = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json?DateSent=yesterday`, { headers: basic(fake.accountSid, fake.authToken) });
    expect([invalid.status, ((await invalid.json()) as { code: number }).code]).toEqual([400, 20001]);
  });

  test('a send that has not left Twilio yet (no date_sent) is listed, but matches no date filter', async () => {
    const queued = await demo().messages.create({ from: ACME, to: `whatsapp:${CUSTOMER}`, body: 'not sent yet' }); // no StatusCallback: stays queued
    expect((await demo().messages.list({ from: ACME })).map((m) => [m.sid, m.status, m.dateSent])).toEqual([[queued.sid, 'queued', null]]);
    expect(await demo().messages.list({ from: ACME, dateSentAfter: new Date('2000-01-01T00:00:00Z') })).toEqual([]);
  });

  test('120 messages come back over three pages of 50 through list() and each(), newest first', async () => {
    const start = Date.parse('2024-06-01T00:00:00Z');
    for (let i = 0; i < 120; i++) await receive(`m${i}`, new Date(start + i * 60_000).toISOString());
    const newestFirst = Array.from({ length: 120 }, (_, i) => `m${119 - i}`);
    fake.requests.length = 0;

    const listed = await demo().messages.list({ to: ACME, dateSentAfter: new Date('2024-06-01T00:00:00Z'), pageSize: 50 });
    expect(listed.map((m) => m.body)).toEqual(newestFirst);
    const pages = fake.requests.map((r) => new URL(r.path, fake.url).searchParams);
    expect(pages.map((q) => q.get('Page'))).toEqual([null, '1', '2']); // twilio-node follows next_page_uri
    expect(pages.every((q) => q.get('To') === ACME && q.get('DateSent>') === '2024-06-01T00:00:00Z')).toBe(true); // filters kept on every page

    const seen: string[] = [];
    await new Promise<void>((resolve, reject) =>
      demo().messages.each({ to: ACME, pageSize: 50, callback: (m) => void seen.push(m.body), done: (e?: Error) => (e ? reject(e) : resolve()) }),
    );
    expect(seen).toEqual(newestFirst);

    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json?PageSize=50&Page=2`, { headers: basic(fake.accountSid, fake.authToken) });
    const last = (await res.json()) as { messages: unknown[]; page: number; start: number; end: number; next_page_uri: string | null };
    expect(last).toMatchObject({ page: 2, start: 100, end: 119, next_page_uri: null });
    expect(last.messages).toHaveLength(20);
  });
});

describe('accounts', () => {
  let other: FakeAccount;
  beforeEach(() => {
    other = fake.addAccount({ friendlyName: 'Other co', numbers: ['+442071838760'] });
  });

  test("another account's credentials see none of these messages: its own log is empty, this one refuses them", async () => {
    const ours = await receive('ours', '2024-05-02T10:00:00Z');
    const mine = fakeTwilioClient(fake.url, { accountSid: other.sid, authToken: other.authToken });
    expect(await mine.messages.list()).toEqual([]);
    expect(await mine.messages.list({ to: ACME })).toEqual([]);
    expect(await failure(mine.messages(ours.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await failure(mine.messages(ours.sid).media.list())).toMatchObject({ status: 404, code: 20404 });
    const onOurs = fakeTwilioClient(fake.url, { accountSid: fake.accountSid, authToken: other.authToken });
    expect(await failure(onOurs.messages.list())).toMatchObject({ status: 401, code: 20003 });
  });

  test("a message to another account's number goes to that account's log, and only there", async () => {
    const theirs = await fake.inbound({ from: CUSTOMER, to: '+442071838760', body: 'theirs', url: HOOK });
    expect(theirs.accountSid).toBe(other.sid);
    const mine = fakeTwilioClient(fake.url, { accountSid: other.sid, authToken: other.authToken });
    expect((await mine.messages.list({ to: 'whatsapp:+442071838760' })).map((m) => m.sid)).toEqual([theirs.sid]);
    expect(await demo().messages.list()).toEqual([]);
    await expect(fake.inbound({ accountSid: fake.accountSid, from: CUSTOMER, to: '+442071838760', url: HOOK })).rejects.toThrow(/belongs to/);
  });
});

describe('media', () => {
  test("a received message's media: the list twilio-node reads, each item's JSON, and its URL's redirect to the bytes", async () => {
    const report = await fake.inbound({ from: CUSTOMER, to: DEMO_NUMBERS.acme, media: [{ contentType: 'image/jpeg' }, { contentType: 'audio/ogg' }], url: HOOK });
    expect(report.sid).toMatch(/^MM[0-9a-f]{32}$/);
    const message = await demo().messages(report.sid).fetch();
    expect(message).toMatchObject({ numMedia: '2', direction: 'inbound', status: 'received' });
    expect(message.subresourceUris.media).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages/${report.sid}/Media.json`);

    const media = await demo().messages(report.sid).media.list();
    expect(media.map((m) => [m.contentType, m.parentSid, m.accountSid])).toEqual([
      ['image/jpeg', report.sid, fake.accountSid],
      ['audio/ogg', report.sid, fake.accountSid],
    ]);
    for (const m of media) {
      expect(m.sid).toMatch(/^ME[0-9a-f]{32}$/);
      expect(m.uri).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages/${report.sid}/Media/${m.sid}.json`);
      expect(m.dateCreated).toBeInstanceOf(Date);
    }
    const raw = await fetch(`${fake.url}${message.subresourceUris.media}`, { headers: basic(fake.accountSid, fake.authToken) });
    expect(Object.keys((await raw.json()) as object)).toContain('media_list');
    expect((await demo().messages(report.sid).media(media[1]!.sid).fetch()).contentType).toBe('audio/ogg');

    // the webhook's MediaUrlN are these items: 307 to the CDN, which serves each with its own type
    expect([report.params.MediaUrl0, report.params.MediaUrl1]).toEqual(media.map((m) => `${fake.url}${m.uri.replace(/\.json$/, '')}`));
    for (const [i, type] of [[0, 'image/jpeg'], [1, 'audio/ogg']] as const) {
      const redirect = await fetch(report.params[`MediaUrl${i}`]!, { headers: basic(fake.accountSid, fake.authToken), redirect: 'manual' });
      expect(redirect.status).toBe(307);
      const bytes = await fetch(redirect.headers.get('location')!);
      expect(bytes.headers.get('content-type')).toBe(type);
    }
    const stranger = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/${report.sid}/Media/ME${'0'.repeat(32)}`;
    expect((await fetch(stranger, { headers: basic(fake.accountSid, fake.authToken), redirect: 'manual' })).status).toBe(404);
  });

  test('a send with MediaUrl lists one media item per URL', async () => {
    const sent = await demo().messages.create({ from: ACME, to: `whatsapp:${CUSTOMER}`, mediaUrl: ['https://cdn.app.test/a.png'] });
    expect((await demo().messages(sent.sid).media.list()).map((m) => m.contentType)).toEqual(['image/png']);
  });
});

test('gmtDay: the GMT day of a day or a time in any zone; false when it does not parse', () => {
  expect(gmtDay('2024-05-02')).toBe('2024-05-02');
  expect(gmtDay('2024-05-02T23:30:00-08:00')).toBe('2024-05-03');
  expect(gmtDay('Thu, 02 May 2024 10:00:00 +0000')).toBe('2024-05-02');
  expect(gmtDay('soon')).toBe(false);
  expect(gmtDay(null)).toBeNull();
});
