/**
 * Sends through twilio-node pointed at the fake, with a workspace's own credentials: what Twilio accepts from an
 * account (its senders, its Messaging Services, its approved templates) and the codes it refuses the rest with.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { SANDBOX_NUMBER } from './accounts.ts';
import { fakeTwilioClient } from './client.ts';
import { DEMO_MESSAGING_SERVICE_SID, DEMO_NUMBERS, demoTemplateSid } from './demo.ts';
import { startTwilioFake, type FakeAccount, type TwilioFake } from './index.ts';
import { failure } from './testing.ts';

const posted: Array<{ url: string; params: Record<string, string>; headers: Record<string, string> }> = [];
let fake: TwilioFake;
let workspace: FakeAccount;
beforeAll(async () => {
  fake = await startTwilioFake({ deliverCallback: async (url, params, headers) => (posted.push({ url, params, headers }), 204) });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.resetAccounts();
  fake.configure({ lifecycle: [{ status: 'queued', afterMs: 1 }, { status: 'sent', afterMs: 2 }] });
  posted.length = 0;
  workspace = fake.addAccount({
    friendlyName: 'Acme own Twilio',
    apiKeys: [{}],
    numbers: ['+442071838750', { phoneNumber: '+442071838751', senderStatus: 'OFFLINE' }, { phoneNumber: '+442071838752', whatsapp: false }],
    services: [{ numbers: ['+442071838750'] }, { numbers: ['+442071838752'] }],
    templates: [{ friendlyName: 'Hello', body: 'Hello {{1}}', variables: { 1: 'Ana' } }],
  });
});

const TO = 'whatsapp:+15551234567';
const demo = () => fakeTwilioClient(fake.url, { accountSid: fake.accountSid, authToken: fake.authToken });
const own = () => fakeTwilioClient(fake.url, { accountSid: workspace.sid, apiKeySid: workspace.apiKeys[0]!.sid, apiKeySecret: workspace.apiKeys[0]!.secret });
const refused = (code: number) => ({ status: 400, code, moreInfo: `https://www.twilio.com/docs/errors/${code}` });

describe('senders', () => {
  test("a workspace sends from its own number with its API key; its callbacks are signed with its own Auth Token", async () => {
    const sent = await own().messages.create({ from: 'whatsapp:+442071838750', to: TO, body: 'hi', statusCallback: 'https://app.test/api/twilio/status' });
    expect(sent).toMatchObject({ accountSid: workspace.sid, from: 'whatsapp:+442071838750', status: 'queued', body: 'hi' });
    const message = await fake.waitFor((m) => m.sid === sent.sid, { callbacks: 2 });
    expect(message.account_sid).toBe(workspace.sid);
    expect(posted.map((p) => p.params.MessageStatus)).toEqual(['queued', 'sent']);
    for (const { url, params, headers } of posted) {
      expect(params.AccountSid).toBe(workspace.sid);
      expect(twilio.validateRequest(workspace.authToken, headers['x-twilio-signature']!, url, params)).toBe(true);
      expect(twilio.validateRequest(fake.authToken, headers['x-twilio-signature']!, url, params)).toBe(false);
    }
    expect((await own().messages(sent.sid).fetch()).sid).toBe(sent.sid);
    expect(await failure(demo().messages(sent.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
  });

  test("another account's number is refused with 63007, and so is one nobody holds on an account that is not lenient", async () => {
    expect(await failure(own().messages.create({ from: `whatsapp:${DEMO_NUMBERS.acme}`, to: TO, body: 'x' }))).toEqual({
      ...refused(63007),
      message: 'Twilio could not find a Channel with the specified From address',
    });
    expect(await failure(own().messages.create({ from: 'whatsapp:+15559990000', to: TO, body: 'x' }))).toMatchObject(refused(63007));
    expect(await failure(demo().messages.create({ from: 'whatsapp:+442071838750', to: TO, body: 'x' }))).toMatchObject(refused(63007));
    expect(await failure(own().messages.create({ from: '+15559990000', to: TO, body: 'x' }))).toMatchObject(refused(21660));
    expect(fake.messages).toEqual([]);
  });

  test('an OFFLINE sender and a number that is no WhatsApp sender cannot send; the Sandbox is every account\'s', async () => {
    for (const from of ['whatsapp:+442071838751', 'whatsapp:+442071838752']) {
      expect(await failure(own().messages.create({ from, to: TO, body: 'x' }))).toMatchObject(refused(63007));
    }
    expect((await own().messages.create({ from: `whatsapp:${SANDBOX_NUMBER}`, to: TO, body: 'x' })).from).toBe(`whatsapp:${SANDBOX_NUMBER}`);
    expect((await demo().messages.create({ from: `whatsapp:${SANDBOX_NUMBER}`, to: TO, body: 'x' })).accountSid).toBe(fake.accountSid);
  });

  test('the demo account keeps sending from any number nobody holds, as the existing tests do', async () => {
    const sent = await demo().messages.create({ from: 'whatsapp:+18885550123', to: TO, body: 'hello' });
    expect(sent).toMatchObject({ accountSid: fake.accountSid, from: 'whatsapp:+18885550123' });
    expect(fake.messages).toHaveLength(1);
  });
});

describe('Messaging Services', () => {
  test('MessagingServiceSid without From sends from the service\'s WhatsApp sender, and says so', async () => {
    const viaDemo = await demo().messages.create({ messagingServiceSid: DEMO_MESSAGING_SERVICE_SID, to: TO, body: 'x', statusCallback: 'https://app.test/s' });
    expect(viaDemo).toMatchObject({ from: `whatsapp:${DEMO_NUMBERS.acme}`, messagingServiceSid: DEMO_MESSAGING_SERVICE_SID });
    await fake.waitFor((m) => m.sid === viaDemo.sid, { callbacks: 1 });
    expect(posted[0]!.params).toMatchObject({ MessagingServiceSid: DEMO_MESSAGING_SERVICE_SID, From: `whatsapp:${DEMO_NUMBERS.acme}` });
    const service = workspace.services[0]!.sid;
    expect((await own().messages.create({ messagingServiceSid: service, to: TO, body: 'x' })).from).toBe('whatsapp:+442071838750');
    expect((await own().messages.create({ from: service, to: TO, body: 'x' })).messagingServiceSid).toBe(service);
  });

  test("another account's service is 21701, a malformed one 21705, one without a WhatsApp sender 21704", async () => {
    expect(await failure(own().messages.create({ messagingServiceSid: DEMO_MESSAGING_SERVICE_SID, to: TO, body: 'x' }))).toMatchObject(refused(21701));
    expect(await failure(own().messages.create({ messagingServiceSid: 'MG123', to: TO, body: 'x' }))).toMatchObject(refused(21705));
    expect(await failure(own().messages.create({ messagingServiceSid: workspace.services[1]!.sid, to: TO, body: 'x' }))).toMatchObject(refused(21704));
  });
});

describe('templates', () => {
  test("the account's approved template is sent; another account's, or one nobody holds, is 21655", async () => {
    const own_ = workspace.templates[0]!.sid;
    const sent = await own().messages.create({ from: 'whatsapp:+442071838750', to: TO, contentSid: own_, contentVariables: JSON.stringify({ 1: 'Ana' }) });
    expect(fake.messages.find((m) => m.sid === sent.sid)).toMatchObject({ content_sid: own_, content_variables: '{"1":"Ana"}', body: null });
    const demoTemplate = demoTemplateSid('acme-order-update');
    expect(await failure(own().messages.create({ from: 'whatsapp:+442071838750', to: TO, contentSid: demoTemplate }))).toEqual({
      ...refused(21655),
      message: 'The ContentSid is Invalid',
    });
    expect(await failure(own().messages.create({ from: 'whatsapp:+442071838750', to: TO, contentSid: `HX${'0'.repeat(32)}` }))).toMatchObject(refused(21655));
    expect(await failure(demo().messages.create({ from: `whatsapp:${DEMO_NUMBERS.acme}`, to: TO, contentSid: own_ }))).toMatchObject(refused(21655));
    // the demo account (lenient) still sends a well-formed ContentSid nobody holds, as the route tests do
    expect((await demo().messages.create({ from: `whatsapp:${DEMO_NUMBERS.acme}`, to: TO, contentSid: `HX${'0'.repeat(32)}` })).status).toBe('queued');
  });

  test('a template that is not approved is accepted, then fails with 63027 in its callback', async () => {
    for (const slug of ['spring-sale', 'weekly-deals', 'payment-reminder']) {
      const sent = await demo().messages.create({ from: `whatsapp:${DEMO_NUMBERS.acme}`, to: TO, contentSid: demoTemplateSid(slug), statusCallback: 'https://app.test/s' });
      const message = await fake.waitFor((m) => m.sid === sent.sid, { callbacks: 2 });
      expect([message.status, message.error_code]).toEqual(['failed', 63027]);
      expect(posted.filter((p) => p.params.MessageSid === sent.sid).map((p) => [p.params.MessageStatus, p.params.ErrorCode])).toEqual([
        ['queued', undefined],
        ['failed', '63027'],
      ]);
    }
  });

  test('ContentVariables that are not a JSON object are 21656', async () => {
    for (const contentVariables of ['not json', '[1]', 'null']) {
      const call = demo().messages.create({ from: `whatsapp:${DEMO_NUMBERS.acme}`, to: TO, contentSid: demoTemplateSid('acme-follow-up'), contentVariables });
      expect(await failure(call)).toMatchObject(refused(21656));
    }
  });
});
