/**
 * Accounts, credentials and numbers, driven through twilio-node pointed at the fake, so the shapes are the ones
 * the real client reads.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { SANDBOX_NUMBER } from './accounts.ts';
import { FakeRequestClient, fakeTwilioClient } from './client.ts';
import { DEMO_API_KEY_SECRET, DEMO_API_KEY_SID, DEMO_NUMBERS } from './demo.ts';
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
const AUTHENTICATE = { status: 401, code: 20003, message: 'Authenticate', moreInfo: 'https://www.twilio.com/docs/errors/20003' };

describe('credentials', () => {
  test('the Account resource, fetched with the Auth Token, as Twilio answers it', async () => {
    const account = await demo().api.v2010.accounts(fake.accountSid).fetch();
    expect(account).toMatchObject({ sid: fake.accountSid, ownerAccountSid: fake.accountSid, friendlyName: 'Switchboard demo', status: 'active', type: 'Full' });
    expect(account.dateCreated).toBeInstanceOf(Date);
    expect(account.uri).toBe(`/2010-04-01/Accounts/${fake.accountSid}.json`);
    expect(account.subresourceUris).toMatchObject({ incoming_phone_numbers: `/2010-04-01/Accounts/${fake.accountSid}/IncomingPhoneNumbers.json` });
  });

  test('an API key authenticates for its own account; a standard key may not fetch the Account, a main key may', async () => {
    const key = fakeTwilioClient(fake.url, { accountSid: fake.accountSid, apiKeySid: DEMO_API_KEY_SID, apiKeySecret: DEMO_API_KEY_SECRET });
    expect((await key.incomingPhoneNumbers.list()).map((n) => n.phoneNumber).sort()).toEqual([DEMO_NUMBERS.acme, DEMO_NUMBERS.bolt]);
    expect(await failure(key.api.v2010.accounts(fake.accountSid).fetch())).toEqual({ ...AUTHENTICATE, message: 'Authentication Error - invalid username' });
    const main = fake.addApiKey(fake.accountSid, { type: 'main' });
    const mainClient = fakeTwilioClient(fake.url, { accountSid: fake.accountSid, apiKeySid: main.sid, apiKeySecret: main.secret });
    expect((await mainClient.api.v2010.accounts(fake.accountSid).fetch()).sid).toBe(fake.accountSid);
    expect(fake.requests.map((r) => r.authorized)).toEqual([true, false, true]);
  });

  test('a wrong token, a wrong secret, a key of another account and no credentials are all 401 20003', async () => {
    const other = fake.addAccount({ apiKeys: [{}] });
    const key = other.apiKeys[0]!;
    const calls = [
      fakeTwilioClient(fake.url, { accountSid: fake.accountSid, authToken: 'wrong' }),
      fakeTwilioClient(fake.url, { accountSid: fake.accountSid, apiKeySid: DEMO_API_KEY_SID, apiKeySecret: 'wrong' }),
      fakeTwilioClient(fake.url, { accountSid: fake.accountSid, apiKeySid: key.sid, apiKeySecret: key.secret }),
    ].map((c) => failure(c.incomingPhoneNumbers.list()));
    expect(await Promise.all(calls)).toEqual([AUTHENTICATE, AUTHENTICATE, AUTHENTICATE]);
    const bare = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/IncomingPhoneNumbers.json`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
    expect(await bare.json()).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
  });

  test("good credentials on another account's URL are refused, a parent's Auth Token reaches its subaccount", async () => {
    const other = fake.addAccount();
    const sub = fake.addAccount({ parentSid: other.sid, numbers: ['+15005550006'] });
    const onDemo = fakeTwilioClient(fake.url, { accountSid: fake.accountSid, authToken: other.authToken });
    expect(await failure(onDemo.incomingPhoneNumbers.list())).toEqual(AUTHENTICATE);
    const demoOnOther = fakeTwilioClient(fake.url, { accountSid: other.sid, authToken: fake.authToken });
    expect(await failure(demoOnOther.api.v2010.accounts(other.sid).fetch())).toEqual(AUTHENTICATE);
    const parent = twilio(other.sid, other.authToken, { accountSid: sub.sid, httpClient: new FakeRequestClient(fake.url) });
    expect((await parent.incomingPhoneNumbers.list()).map((n) => n.phoneNumber)).toEqual(['+15005550006']);
    expect((await parent.api.v2010.accounts(sub.sid).fetch()).ownerAccountSid).toBe(other.sid);
    const subOnParent = fakeTwilioClient(fake.url, { accountSid: other.sid, authToken: sub.authToken });
    expect(await failure(subOnParent.incomingPhoneNumbers.list())).toEqual(AUTHENTICATE);
  });

  test("a suspended account's credentials are refused", async () => {
    const suspended = fake.addAccount({ status: 'suspended' });
    const client = fakeTwilioClient(fake.url, { accountSid: suspended.sid, authToken: suspended.authToken });
    expect(await failure(client.api.v2010.accounts(suspended.sid).fetch())).toEqual(AUTHENTICATE);
  });
});

describe('IncomingPhoneNumbers', () => {
  test('PhoneNumber finds a number of the account, with the fields twilio-node reads', async () => {
    const [number, ...rest] = await demo().incomingPhoneNumbers.list({ phoneNumber: DEMO_NUMBERS.acme });
    expect(rest).toEqual([]);
    expect(number).toMatchObject({
      accountSid: fake.accountSid,
      phoneNumber: DEMO_NUMBERS.acme,
      friendlyName: 'Acme WhatsApp',
      capabilities: { voice: true, sms: true, mms: true, fax: false },
      origin: 'twilio',
      status: 'in-use',
      uri: `/2010-04-01/Accounts/${fake.accountSid}/IncomingPhoneNumbers/${number!.sid}.json`,
    });
    expect(number!.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(number!.dateCreated).toBeInstanceOf(Date);
    expect((await demo().incomingPhoneNumbers(number!.sid).fetch()).phoneNumber).toBe(DEMO_NUMBERS.acme);
  });

  test("another account's number, a sender on the customer's own number and the WhatsApp Sandbox are not listed", async () => {
    const other = fake.addAccount({ numbers: ['+447700900123', { phoneNumber: '+5215512340000', incoming: false }] });
    const client = fakeTwilioClient(fake.url, { accountSid: other.sid, authToken: other.authToken });
    expect(await client.incomingPhoneNumbers.list({ phoneNumber: DEMO_NUMBERS.acme })).toEqual([]);
    expect((await client.incomingPhoneNumbers.list()).map((n) => n.phoneNumber)).toEqual(['+447700900123']);
    expect(await demo().incomingPhoneNumbers.list({ phoneNumber: SANDBOX_NUMBER })).toEqual([]);
    expect((await demo().incomingPhoneNumbers.list({ phoneNumber: '+1415555*1*0' })).map((n) => n.phoneNumber).sort()).toEqual([DEMO_NUMBERS.acme]);
  });

  test('pages: page_size, next_page_uri followed by twilio-node, and the 2010-04-01 paging keys', async () => {
    const many = fake.addAccount({ numbers: ['+15005550001', '+15005550002', '+15005550003', '+15005550004', '+15005550005'] });
    const client = fakeTwilioClient(fake.url, { accountSid: many.sid, authToken: many.authToken });
    fake.reset();
    expect((await client.incomingPhoneNumbers.list({ pageSize: 2 })).map((n) => n.phoneNumber)).toEqual(many.numbers.map((n) => n.phoneNumber));
    expect(fake.requests.map((r) => new URL(r.path, fake.url).searchParams.get('Page'))).toEqual([null, '1', '2']); // twilio-node asks for the first page without Page
    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${many.sid}/IncomingPhoneNumbers.json?PageSize=2&Page=1`, {
      headers: { authorization: `Basic ${Buffer.from(`${many.sid}:${many.authToken}`).toString('base64')}` },
    });
    const page = (await res.json()) as Record<string, unknown>;
    const base = `/2010-04-01/Accounts/${many.sid}/IncomingPhoneNumbers.json`;
    expect(page).toMatchObject({ page: 1, page_size: 2, start: 2, end: 3, first_page_uri: `${base}?PageSize=2&Page=0`, uri: expect.stringContaining('Page=1') });
    expect(page.next_page_uri).toMatch(new RegExp(`^${base.replace(/\./g, '\\.')}\\?PageSize=2&Page=2&PageToken=PA`));
    expect(page.previous_page_uri).toBe(`${base}?PageSize=2&Page=0`);
    expect(page.incoming_phone_numbers).toHaveLength(2);
  });
});

describe('the programmatic API', () => {
  test('one holder per sid and number; resetAccounts goes back to the start; the objects are live', () => {
    const other = fake.addAccount({ friendlyName: 'Acme own account' });
    expect(() => fake.addNumber(other.sid, DEMO_NUMBERS.acme)).toThrow(/belongs to/);
    expect(() => fake.addNumber(other.sid, SANDBOX_NUMBER)).toThrow(/Sandbox/);
    expect(() => fake.addAccount({ sid: other.sid })).toThrow(/exists/);
    expect(() => fake.addApiKey(other.sid, { sid: DEMO_API_KEY_SID })).toThrow(/exists/);
    expect(() => fake.addAccount({ sid: 'AC123' })).toThrow(/AC \+ 32 hex/);
    expect(() => fake.addAccount({ numbers: ['+15005550009', DEMO_NUMBERS.bolt] })).toThrow();
    expect(fake.addAccount({ numbers: ['+15005550009'] }).numbers).toHaveLength(1); // the failed one held nothing
    fake.account()!.friendlyName = 'Renamed';
    fake.resetAccounts();
    expect(fake.account(other.sid)).toBeUndefined();
    expect(fake.account()!.friendlyName).toBe('Switchboard demo');
  });

  test('accounts can be added over HTTP, for a fake in another process', async () => {
    const post = (path: string, body: unknown) => fetch(`${fake.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const res = await post('/__fake/accounts', { friendlyName: 'Over HTTP', numbers: ['+15005550010'] });
    expect(res.status).toBe(201);
    const account = (await res.json()) as { sid: string; authToken: string };
    expect((await post(`/__fake/accounts/${account.sid}/keys`, { type: 'main' })).status).toBe(201);
    expect(await (await post(`/__fake/accounts/${account.sid}/numbers`, { phoneNumber: DEMO_NUMBERS.acme })).json()).toEqual({ error: expect.stringMatching(/belongs to/) });
    expect(fake.account(account.sid)?.apiKeys[0]?.type).toBe('main');
    const client = fakeTwilioClient(fake.url, { accountSid: account.sid, authToken: account.authToken });
    expect((await client.incomingPhoneNumbers.list()).map((n) => n.phoneNumber)).toEqual(['+15005550010']);
    expect((await post('/__fake/accounts/reset', {})).status).toBe(200);
    expect(fake.account(account.sid)).toBeUndefined();
  });
});
