/**
 * The sender Check against the Twilio fake, through twilio-node as the app builds it (senders.ts), with strict
 * accounts of the test's own (the demo account is lenient). Twilio down, failing or echoing is a stub server of the
 * test's, reached by a fresh copy of the module (senders.ts keeps its HTTP client, and so its base URL, in a module
 * variable).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startTwilioFake, type FakeAccount, type TwilioFake } from '../../tools/twilio-fake/index.ts';
import { checkSender, WHATSAPP_SANDBOX_NUMBER, type SenderCheckInput, type SenderCheckResult } from './check-sender';

// serverEnv() would want Supabase's variables, which unit tests have none of; senders.ts only reads the fake's URL.
vi.mock('@/lib/env', () => ({ serverEnv: () => ({ TWILIO_API_BASE_URL: process.env.TWILIO_API_BASE_URL }) }));

const ACME_NUMBER = '+442071838750';
const BOLT_NUMBER = '+442071838760';
const OWN_NUMBER = '+5215512340000'; // a WhatsApp sender on the customer's own number: in no number list

let fake: TwilioFake;
let acme: FakeAccount;
let bolt: FakeAccount;
const previousBaseUrl = process.env.TWILIO_API_BASE_URL;
beforeAll(async () => {
  fake = await startTwilioFake();
  process.env.TWILIO_API_BASE_URL = fake.url;
});
afterAll(async () => {
  process.env.TWILIO_API_BASE_URL = previousBaseUrl;
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.resetAccounts();
  acme = fake.addAccount({ friendlyName: 'Acme', apiKeys: [{}], numbers: [ACME_NUMBER] });
  bolt = fake.addAccount({ friendlyName: 'Bolt', apiKeys: [{}], numbers: [BOLT_NUMBER], services: [{ friendlyName: 'Bolt support', numbers: [BOLT_NUMBER] }] });
});

const withToken = (over: Partial<SenderCheckInput> = {}): SenderCheckInput => ({
  accountSid: acme.sid,
  authToken: acme.authToken,
  whatsappNumber: ACME_NUMBER,
  ...over,
});
const withKey = (over: Partial<SenderCheckInput> = {}) => withToken({ apiKeySid: acme.apiKeys[0]!.sid, apiKeySecret: acme.apiKeys[0]!.secret, ...over });
const accountPath = () => `/2010-04-01/Accounts/${acme.sid}.json`;
const numbersPath = () => `/2010-04-01/Accounts/${acme.sid}/IncomingPhoneNumbers.json`;
const paths = () => fake.requests.map((r) => r.path.split('?')[0]);
const WRONG = 'f'.repeat(32);

/** checkSender, and (for every case of this file) that its message holds neither the token nor the key secret. */
async function check(input: SenderCheckInput, run = checkSender): Promise<SenderCheckResult> {
  const result = await run(input);
  for (const secret of [input.authToken, input.apiKeySecret]) if (secret) expect(result.message).not.toContain(secret);
  return result;
}

describe('a sender that works', () => {
  test('with the Auth Token: the Account, then the number among the account\u2019s phone numbers', async () => {
    expect(await check(withToken())).toEqual({ ok: true, friendlyName: 'Acme', message: `Connected: ${ACME_NUMBER} on account \u201cAcme\u201d.` });
    expect(paths()).toEqual([accountPath(), numbersPath()]);
    expect(fake.requests.every((r) => r.authorized)).toBe(true);
  });

  test('with a Standard API key: the token fetches the Account (the key may not), the key lists the numbers', async () => {
    expect(acme.apiKeys[0]!.type).toBe('standard');
    expect(await check(withKey())).toEqual({ ok: true, friendlyName: 'Acme', message: `Connected: ${ACME_NUMBER} on account \u201cAcme\u201d.` });
    expect(fake.requests.map((r) => [r.path.split('?')[0], r.authorized])).toEqual([
      [accountPath(), true],
      [numbersPath(), true],
    ]);
  });

  test('empty optional fields, as a form sends them, count as not given', async () => {
    const result = await check(withToken({ apiKeySid: '', apiKeySecret: '', messagingServiceSid: '' }));
    expect(result).toMatchObject({ ok: true, friendlyName: 'Acme' });
    expect(paths()).toEqual([accountPath(), numbersPath()]);
  });

  test('with a Messaging Service of the account: its Twilio number, and a sender on the customer\u2019s own number', async () => {
    fake.addNumber(acme.sid, { phoneNumber: OWN_NUMBER, incoming: false });
    const service = fake.addMessagingService(acme.sid, { friendlyName: 'Support', numbers: [ACME_NUMBER, OWN_NUMBER] });
    const through = '\u201cAcme\u201d, through Messaging Service \u201cSupport\u201d.';
    expect(await check(withKey({ messagingServiceSid: service.sid }))).toEqual({ ok: true, friendlyName: 'Acme', message: `Connected: ${ACME_NUMBER} on account ${through}` });
    fake.reset();
    expect(await check(withKey({ whatsappNumber: OWN_NUMBER, messagingServiceSid: service.sid }))).toEqual({
      ok: true,
      friendlyName: 'Acme',
      message: `Connected: ${OWN_NUMBER} on account ${through}`,
    });
    expect(paths()).toEqual([accountPath(), numbersPath(), `/v1/Services/${service.sid}`, `/v1/Services/${service.sid}/ChannelSenders`]);
  });

  test('a sender on the customer\u2019s own number without a Messaging Service is found among the account\u2019s WhatsApp senders', async () => {
    fake.addNumber(acme.sid, { phoneNumber: OWN_NUMBER, incoming: false });
    expect(await check(withKey({ whatsappNumber: OWN_NUMBER }))).toEqual({ ok: true, friendlyName: 'Acme', message: `Connected: ${OWN_NUMBER} on account \u201cAcme\u201d.` });
    expect(paths()).toEqual([accountPath(), numbersPath(), '/v2/Channels/Senders']);
    fake.account(acme.sid)!.numbers.find((n) => n.phoneNumber === OWN_NUMBER)!.whatsapp = false;
    expect(await check(withKey({ whatsappNumber: OWN_NUMBER }))).toMatchObject({ ok: false, field: 'number' });
  });

  test('the WhatsApp Sandbox, in no account\u2019s numbers, is accepted as the Sandbox, customers to join it first', async () => {
    const result = await check(withKey({ whatsappNumber: WHATSAPP_SANDBOX_NUMBER }));
    expect(result).toMatchObject({ ok: true, friendlyName: 'Acme' });
    expect(result.message).toMatch(/^Connected to the Twilio WhatsApp Sandbox \(\+14155238886\) on account “Acme”\./);
    expect(result.message).toContain('only customers who have joined your Sandbox');
    expect(await check(withKey({ whatsappNumber: WHATSAPP_SANDBOX_NUMBER, apiKeySecret: WRONG }))).toMatchObject({ ok: false, field: 'api_key' });
  });
});

describe('a sender that does not work', () => {
  test('a wrong Auth Token, even with a good API key, stops at the Account: webhooks are verified with the token', async () => {
    const refused = { ok: false, field: 'auth_token', twilioCode: 20003, message: expect.stringContaining('did not accept this Account SID and Auth Token') };
    expect(await check(withToken({ authToken: WRONG }))).toEqual(refused);
    expect(await check(withKey({ authToken: WRONG }))).toEqual(refused);
    expect(await check(withToken({ authToken: bolt.authToken }))).toEqual(refused);
    expect(await check(withToken({ authToken: WRONG, whatsappNumber: WHATSAPP_SANDBOX_NUMBER }))).toEqual(refused);
    expect(new Set(paths())).toEqual(new Set([accountPath()]));
  });

  test('a wrong API key secret, and a key of another account, are the API key\u2019s fault', async () => {
    const wrongSecret = await check(withKey({ apiKeySecret: WRONG }));
    expect(wrongSecret).toEqual({ ok: false, field: 'api_key', twilioCode: 20003, message: expect.stringContaining(`API key ${acme.apiKeys[0]!.sid}`) });
    expect(wrongSecret.message).toContain('\u201cAcme\u201d');
    const boltKey = await check(withKey({ apiKeySid: bolt.apiKeys[0]!.sid, apiKeySecret: bolt.apiKeys[0]!.secret }));
    expect(boltKey).toMatchObject({ ok: false, field: 'api_key', twilioCode: 20003 });
    expect(boltKey.message).toContain('belongs to another account');
  });

  test('a number of another account, or of nobody, names the number and the account', async () => {
    for (const number of [BOLT_NUMBER, '+15005550199']) {
      const result = await check(withKey({ whatsappNumber: number }));
      expect(result).toMatchObject({ ok: false, field: 'number' });
      expect(result.message).toContain(`${number} is not a number of account \u201cAcme\u201d (${acme.sid})`);
    }
  });

  test('a number of the account\u2019s own with another account\u2019s Messaging Service, or an unknown one', async () => {
    for (const serviceSid of [bolt.services[0]!.sid, `MG${'a'.repeat(32)}`]) {
      const result = await check(withKey({ messagingServiceSid: serviceSid }));
      expect(result).toMatchObject({ ok: false, field: 'messaging_service', twilioCode: 20404 });
      expect(result.message).toBe(`Account \u201cAcme\u201d has no Messaging Service ${serviceSid}: check the SID, or leave it empty.`);
    }
  });

  test('another account\u2019s number is not found through a Messaging Service either', async () => {
    const service = fake.addMessagingService(acme.sid, { friendlyName: 'Support', numbers: [ACME_NUMBER] });
    const result = await check(withToken({ whatsappNumber: BOLT_NUMBER, messagingServiceSid: service.sid }));
    expect(result).toMatchObject({ ok: false, field: 'number' });
    expect(result.message).toContain('nor a sender of Messaging Service \u201cSupport\u201d');
  });

  test('malformed SIDs and numbers are refused without a request', async () => {
    const key = acme.apiKeys[0]!;
    const cases: Array<[Partial<SenderCheckInput>, string]> = [
      [{ accountSid: 'AC123' }, 'account'],
      [{ accountSid: `AC${acme.sid.slice(2).toUpperCase()}` }, 'account'],
      [{ accountSid: acme.sid.replace(/^AC/, 'SK') }, 'account'],
      [{ authToken: '' }, 'auth_token'],
      [{ authToken: ` ${acme.authToken}` }, 'auth_token'],
      [{ apiKeySid: 'SK123', apiKeySecret: key.secret }, 'api_key'],
      [{ apiKeySid: key.sid }, 'api_key'],
      [{ apiKeySecret: key.secret }, 'api_key'],
      [{ whatsappNumber: '4155550100' }, 'number'],
      [{ whatsappNumber: `whatsapp:${ACME_NUMBER}` }, 'number'],
      [{ whatsappNumber: '+44 20 7183 8750' }, 'number'],
      [{ messagingServiceSid: 'MG123' }, 'messaging_service'],
    ];
    for (const [over, field] of cases) expect([over, await check(withToken(over))]).toEqual([over, expect.objectContaining({ ok: false, field })]);
    expect(fake.requests).toEqual([]);
  });
});

describe('when Twilio cannot answer, or answers oddly', () => {
  let stub: http.Server;
  let stubUrl: string;
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeAll(async () => {
    stub = http.createServer((req, res) => answer(req, res));
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

  /** checkSender of a fresh module whose twilio-node goes to `baseUrl` (the env is the fake's again afterwards). */
  async function checkAt(baseUrl: string, input: SenderCheckInput): Promise<SenderCheckResult> {
    vi.resetModules();
    const fresh = await import('./check-sender');
    const previous = process.env.TWILIO_API_BASE_URL;
    process.env.TWILIO_API_BASE_URL = baseUrl;
    try {
      return await check(input, fresh.checkSender);
    } finally {
      process.env.TWILIO_API_BASE_URL = previous;
    }
  }

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const credentialsOf = (req: http.IncomingMessage) => Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
  /** The Account as Twilio answers it, with `authToken` as its primary token. */
  const accountJson = (authToken: string) => ({ sid: acme.sid, friendly_name: 'Acme', auth_token: authToken, status: 'active', type: 'Full', owner_account_sid: acme.sid });

  test('a closed port is a network failure with a readable message, no stack', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await checkAt(closed, withKey());
    expect(result).toEqual({
      ok: false,
      field: 'network',
      message: 'Could not reach Twilio: the connection was refused. Check this server\u2019s internet connection and try again.',
    });
  });

  test('a 5xx is a network failure, whatever step it comes at', async () => {
    answer = (_req, res) => json(res, 503, { code: 20503, message: 'Service Unavailable', status: 503 });
    expect(await checkAt(stubUrl, withToken())).toMatchObject({ ok: false, field: 'network', message: expect.stringContaining('HTTP 503') });
    answer = (req, res) => (req.url!.endsWith(`${acme.sid}.json`) ? json(res, 200, accountJson(acme.authToken)) : json(res, 500, { code: 20500, message: 'Internal', status: 500 }));
    expect(await checkAt(stubUrl, withKey())).toMatchObject({ ok: false, field: 'network', message: expect.stringContaining('HTTP 500') });
  });

  test('a token that opens the account but is not its primary one (a secondary token) is refused', async () => {
    answer = (_req, res) => json(res, 200, accountJson('e'.repeat(32)));
    const result = await checkAt(stubUrl, withToken());
    expect(result).toMatchObject({ ok: false, field: 'auth_token' });
    expect(result.message).toContain('is not its primary Auth Token');
  });

  test('an error text that echoes the credentials never carries the token or the key secret', async () => {
    answer = (req, res) => json(res, 400, { code: 21999, message: `Bad request for ${credentialsOf(req)}`, status: 400 });
    const onToken = await checkAt(stubUrl, withToken());
    expect(onToken).toMatchObject({ ok: false, field: 'auth_token', twilioCode: 21999 });
    expect(onToken.message).toBe(`Twilio refused the Auth Token check: Bad request for ${acme.sid}:\u2026 (Twilio error 21999)`);

    answer = (req, res) =>
      req.url!.endsWith(`${acme.sid}.json`) ? json(res, 200, accountJson(acme.authToken)) : json(res, 400, { code: 21999, message: `Bad request for ${credentialsOf(req)}`, status: 400 });
    const onKey = await checkAt(stubUrl, withKey());
    expect(onKey).toMatchObject({ ok: false, field: 'number', twilioCode: 21999 });
    expect(onKey.message).toBe(`Twilio refused the check: Bad request for ${acme.apiKeys[0]!.sid}:\u2026 (Twilio error 21999)`);
  });
});
