/**
 * content.twilio.com and messaging.twilio.com through twilio-node pointed at the fake: templates with their
 * approvals (paged across several pages), Messaging Services and their senders, each account seeing its own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fakeTwilioClient } from './client.ts';
import { DEMO_MESSAGING_SERVICE_SID, DEMO_NUMBERS, DEMO_TEMPLATES, demoTemplateSid } from './demo.ts';
import { startTwilioFake, type TwilioFake } from './index.ts';
import { failure } from './testing.ts';

let fake: TwilioFake;
beforeAll(async () => {
  fake = await startTwilioFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.resetAccounts();
});

const demo = () => fakeTwilioClient(fake.url, { accountSid: fake.accountSid, authToken: fake.authToken });
const NOT_FOUND = { status: 404, code: 20404 };

describe('Content API', () => {
  test('ContentAndApprovals: every demo template with its approval, across pages of 3 that twilio-node follows', async () => {
    const contents = await demo().content.v1.contentAndApprovals.list({ pageSize: 3 });
    expect(contents.map((c) => c.sid)).toEqual(DEMO_TEMPLATES.map((t) => t.sid));
    expect(fake.requests.map((r) => r.path.split('?')[0])).toEqual(Array(4).fill('/v1/ContentAndApprovals'));
    const statuses = Object.fromEntries(contents.map((c) => [c.friendlyName, (c.approvalRequests as unknown as { status: string }).status]));
    expect(statuses).toMatchObject({ 'Order update': 'approved', 'Follow-up': 'approved', 'Spring sale': 'rejected', 'Weekly deals': 'paused', 'Payment reminder': 'pending', 'Back in stock': 'received' });
    const order = contents.find((c) => c.sid === demoTemplateSid('acme-order-update'))!;
    expect(order).toMatchObject({
      accountSid: fake.accountSid,
      friendlyName: 'Order update',
      language: 'en',
      variables: { 1: 'customer name', 2: 'order number', 3: 'delivery day' },
      types: { 'twilio/text': { body: 'Hi {{1}}, your order {{2}} is on its way and should arrive {{3}}.' } },
      approvalRequests: { name: 'order_update', category: 'UTILITY', content_type: 'twilio/text', status: 'approved', rejection_reason: '', allow_category_change: false },
    });
    expect(order.dateCreated).toBeInstanceOf(Date);
    const rejected = contents.find((c) => c.friendlyName === 'Spring sale')!;
    expect(rejected.approvalRequests).toMatchObject({ category: 'MARKETING', rejection_reason: expect.stringContaining('Policy') });
    expect(contents.find((c) => c.friendlyName === 'Confirm delivery')!.approvalRequests).toMatchObject({ content_type: 'twilio/quick-reply' });
    expect(contents.find((c) => c.friendlyName === 'Invoice')!.approvalRequests).toMatchObject({ content_type: 'twilio/media' });
  });

  test('the v1 `meta` of a page, with absolute URLs on content.twilio.com', async () => {
    const page = await demo().content.v1.contentAndApprovals.page({ pageSize: 4 });
    expect(page.instances).toHaveLength(4);
    expect(page.nextPageUrl).toMatch(/^https:\/\/content\.twilio\.com\/v1\/ContentAndApprovals\?PageSize=4&Page=1&PageToken=PA/);
    const res = await fetch(`${fake.url}/v1/ContentAndApprovals?PageSize=4&Page=2`, { headers: basic(fake.accountSid, fake.authToken) });
    expect(await res.json()).toMatchObject({
      contents: [{}, {}],
      meta: {
        page: 2,
        page_size: 4,
        key: 'contents',
        first_page_url: 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=4&Page=0',
        previous_page_url: expect.stringMatching(/\?PageSize=4&Page=1&PageToken=PA/),
        url: expect.stringMatching(/\?PageSize=4&Page=2&PageToken=PA/),
        next_page_url: null,
      },
    });
  });

  test('a template and its approval request; templates are per account', async () => {
    const sid = demoTemplateSid('weekly-deals');
    const content = await demo().content.v1.contents(sid).fetch();
    expect(content).toMatchObject({ sid, language: 'es', url: `https://content.twilio.com/v1/Content/${sid}` });
    expect(content.links).toEqual({ approval_fetch: `${content.url}/ApprovalRequests`, approval_create: `${content.url}/ApprovalRequests/whatsapp` });
    const approval = await demo().content.v1.contents(sid).approvalFetch().fetch();
    expect(approval).toMatchObject({ sid, accountSid: fake.accountSid, url: `${content.url}/ApprovalRequests`, whatsapp: { type: 'whatsapp', status: 'paused', name: 'weekly_deals' } });

    const other = fake.addAccount({ templates: [{ friendlyName: 'Own', body: 'Hello {{1}}', variables: { 1: 'Ana' }, status: 'pending' }] });
    const client = fakeTwilioClient(fake.url, { accountSid: other.sid, authToken: other.authToken });
    expect((await client.content.v1.contentAndApprovals.list()).map((c) => c.friendlyName)).toEqual(['Own']);
    expect((await client.content.v1.contents.list()).map((c) => c.sid)).toEqual([other.templates[0]!.sid]);
    expect(await failure(client.content.v1.contents(sid).fetch())).toMatchObject(NOT_FOUND);
  });

  test('a status changed on the live template is what the next list answers', async () => {
    fake.account()!.templates.find((t) => t.friendlyName === 'Payment reminder')!.approval.status = 'approved';
    const contents = await demo().content.v1.contentAndApprovals.list();
    expect(contents.find((c) => c.friendlyName === 'Payment reminder')!.approvalRequests).toMatchObject({ status: 'approved' });
  });
});

describe('Messaging Services and senders', () => {
  test('a service, its phone numbers and its WhatsApp senders, as twilio-node reads them', async () => {
    const service = await demo().messaging.v1.services(DEMO_MESSAGING_SERVICE_SID).fetch();
    expect(service).toMatchObject({
      sid: DEMO_MESSAGING_SERVICE_SID,
      accountSid: fake.accountSid,
      friendlyName: 'Switchboard demo',
      url: `https://messaging.twilio.com/v1/Services/${DEMO_MESSAGING_SERVICE_SID}`,
      links: { phone_numbers: `https://messaging.twilio.com/v1/Services/${DEMO_MESSAGING_SERVICE_SID}/PhoneNumbers` },
    });
    const numbers = await service.phoneNumbers().list({ pageSize: 1 });
    expect(numbers.map((n) => [n.phoneNumber, n.serviceSid, n.countryCode])).toEqual([
      [DEMO_NUMBERS.acme, DEMO_MESSAGING_SERVICE_SID, 'US'],
      [DEMO_NUMBERS.bolt, DEMO_MESSAGING_SERVICE_SID, 'US'],
    ]);
    expect(numbers[0]!.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(numbers[0]!.capabilities).toEqual(['MMS', 'SMS', 'Voice']);
    const senders = await service.channelSenders().list();
    expect(senders.map((s) => [s.sender, s.senderType, s.messagingServiceSid])).toEqual([
      [`whatsapp:${DEMO_NUMBERS.acme}`, 'WhatsApp', DEMO_MESSAGING_SERVICE_SID],
      [`whatsapp:${DEMO_NUMBERS.bolt}`, 'WhatsApp', DEMO_MESSAGING_SERVICE_SID],
    ]);
    expect((await demo().messaging.v1.services.list()).map((s) => s.sid)).toEqual([DEMO_MESSAGING_SERVICE_SID]);
  });

  test("the Senders API lists the account's WhatsApp senders, its own numbers' too; another account's service is a 404", async () => {
    const other = fake.addAccount({ numbers: [{ phoneNumber: '+5215512340000', incoming: false, senderStatus: 'OFFLINE' }] });
    fake.addMessagingService(other.sid, { sid: `MG${'1'.repeat(32)}` });
    const client = fakeTwilioClient(fake.url, { accountSid: other.sid, authToken: other.authToken });
    const [sender, ...rest] = await client.messaging.v2.channelsSenders.list({ channel: 'whatsapp' });
    expect(rest).toEqual([]);
    expect(sender).toMatchObject({ senderId: 'whatsapp:+5215512340000', status: 'OFFLINE', sid: other.numbers[0]!.senderSid });
    expect((await client.messaging.v2.channelsSenders(sender!.sid!).fetch()).senderId).toBe('whatsapp:+5215512340000');
    expect(await failure(client.messaging.v1.services(DEMO_MESSAGING_SERVICE_SID).fetch())).toMatchObject(NOT_FOUND);
    expect(await failure(client.messaging.v1.services(DEMO_MESSAGING_SERVICE_SID).phoneNumbers.list())).toMatchObject(NOT_FOUND);
    expect(await failure(demo().messaging.v1.services(`MG${'1'.repeat(32)}`).fetch())).toMatchObject(NOT_FOUND);
  });
});

function basic(user: string, password: string) {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
