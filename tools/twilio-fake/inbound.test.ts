/**
 * Inbound messages delivered as Twilio delivers them, to real local servers: the log first, then the primary URL
 * (with connection overrides: retries within tt), then the fallback once; signed so twilio.validateRequest accepts
 * it; reported, never thrown. No test sleeps: each waits for the fake to record an attempt, or for its report.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { connectionSettings } from './delivery.ts';
import { DEMO_NUMBERS } from './demo.ts';
import { startTwilioFake, type TwilioFake } from './index.ts';

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  params: Record<string, string>;
}

/** A local app: records what it is sent and answers with `answer` (a status, or null: never answers). */
async function app(answer: (n: number) => number | null, port = 0) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())) });
      const status = answer(received.length);
      if (status !== null) res.writeHead(status, { 'content-type': 'text/xml' }).end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return { base, received };
}

/** A port nothing listens on (connection refused), free to listen on later. */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const servers: http.Server[] = [];
let fake: TwilioFake;
beforeAll(async () => {
  fake = await startTwilioFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.resetAccounts();
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const CUSTOMER = '+15551230002';
const to = DEMO_NUMBERS.acme;

describe('primary and fallback', () => {
  test('a primary answering 500 is not retried by default; the fallback gets the same webhook once, signed for its own URL', async () => {
    const primary = await app(() => 500);
    const fallback = await app(() => 200);
    const report = await fake.inbound({ from: CUSTOMER, to, body: 'hello', profileName: 'Ana', url: `${primary.base}/hook`, fallbackUrl: `${fallback.base}/fallback` });

    expect(report).toMatchObject({ delivered: true, deliveredBy: 'fallback', accountSid: fake.accountSid });
    expect(report.attempts.map((a) => [a.leg, a.url, a.status])).toEqual([
      ['primary', `${primary.base}/hook`, 500],
      ['fallback', `${fallback.base}/fallback`, 200],
    ]);
    expect([primary.received.length, fallback.received.length]).toEqual([1, 1]);
    const [p, f] = [primary.received[0]!, fallback.received[0]!];
    expect(p.params).toEqual(f.params);
    expect(p.params).toMatchObject({ MessageSid: report.sid, From: `whatsapp:${CUSTOMER}`, To: `whatsapp:${to}`, Body: 'hello', ProfileName: 'Ana', SmsStatus: 'received', NumMedia: '0' });
    expect(p.headers['i-twilio-idempotency-token']).toBe(f.headers['i-twilio-idempotency-token']);
    expect(twilio.validateRequest(fake.authToken, p.headers['x-twilio-signature'] as string, `${primary.base}/hook`, p.params)).toBe(true);
    expect(twilio.validateRequest(fake.authToken, f.headers['x-twilio-signature'] as string, `${fallback.base}/fallback`, f.params)).toBe(true);
    expect(fake.messages.find((m) => m.sid === report.sid)).toMatchObject({ direction: 'inbound', status: 'received', webhooks: report.attempts });
  });

  test('with rp=5xx the primary is retried within tt, and the retry that gets a 200 delivers it', async () => {
    const primary = await app((n) => (n === 1 ? 503 : 200));
    const report = await fake.inbound({ from: CUSTOMER, to, url: `${primary.base}/hook#rc=2&rp=5xx&tt=1500` });
    expect(report.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(report).toMatchObject({ delivered: true, deliveredBy: 'primary' });
    expect(primary.received.map((r) => r.url)).toEqual(['/hook', '/hook']); // the fragment is never sent
  });

  test('no answer at all: read timeouts retried (rp=rt), then the report says not delivered, and the log still has it', async () => {
    const silent = await app(() => null);
    const report = await fake.inbound({ from: CUSTOMER, to, body: 'lost', url: `${silent.base}/hook#rt=200&rc=1&rp=rt&tt=1000` });
    expect(report).toMatchObject({ delivered: false, deliveredBy: null });
    expect(report.attempts.map((a) => a.error)).toEqual(['read timeout', 'read timeout']);
    expect(report.attempts.every((a) => a.ms < 1000)).toBe(true);
    expect(fake.messages.find((m) => m.sid === report.sid)).toMatchObject({ body: 'lost', status: 'received' });
  });
});

describe('connection overrides on a primary that is down', () => {
  test('connection refused is retried until the app comes up, within tt', async () => {
    const port = await freePort();
    const delivery = fake.inbound({ from: CUSTOMER, to, body: 'while you were down', url: `http://127.0.0.1:${port}/hook#ct=500&rc=4&rp=ct&tt=5000` });
    await fake.waitFor((m) => m.body === 'while you were down' && m.webhooks.length >= 1);
    const started = Date.now();
    const back = await app(() => 204, port);
    const report = await delivery;

    expect(report).toMatchObject({ delivered: true, deliveredBy: 'primary' });
    expect(report.attempts[0]).toMatchObject({ leg: 'primary', error: 'ECONNREFUSED' });
    expect(report.attempts.at(-1)).toMatchObject({ leg: 'primary', status: 204 });
    expect(report.attempts.length).toBeLessThanOrEqual(5);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(back.received).toHaveLength(1);
  });

  test('still down when tt runs out: the fallback is tried once', async () => {
    const port = await freePort();
    const fallback = await app(() => 200);
    const began = Date.now();
    const report = await fake.inbound({ from: CUSTOMER, to, url: `http://127.0.0.1:${port}/hook#rc=2&rp=ct&tt=600`, fallbackUrl: `${fallback.base}/fallback#rc=5&rp=all` });
    expect(report.attempts.map((a) => [a.leg, a.error ?? a.status])).toEqual([
      ['primary', 'ECONNREFUSED'],
      ['primary', 'ECONNREFUSED'],
      ['primary', 'ECONNREFUSED'],
      ['fallback', 200],
    ]);
    expect(Date.now() - began).toBeLessThan(600 + 1000);
  });
});

describe('what the app receives', () => {
  test("signed with the receiving account's Auth Token over the URL with its query and without the fragment; media URLs the fake serves", async () => {
    const other = fake.addAccount({ numbers: ['+442071838770'] });
    const hook = await app(() => 200);
    const report = await fake.inbound({ from: CUSTOMER, to: 'whatsapp:+442071838770', media: [{ contentType: 'image/png' }], url: `${hook.base}/api/twilio/inbound?ws=7#ct=1000&rc=0` });
    const { headers, params, url } = hook.received[0]!;
    expect(url).toBe('/api/twilio/inbound?ws=7');
    expect(params).toMatchObject({ AccountSid: other.sid, NumMedia: '1', MediaContentType0: 'image/png', MessageType: 'image' });
    const signature = headers['x-twilio-signature'] as string;
    expect(twilio.validateRequest(other.authToken, signature, `${hook.base}/api/twilio/inbound?ws=7`, params)).toBe(true);
    expect(twilio.validateRequest(fake.authToken, signature, `${hook.base}/api/twilio/inbound?ws=7`, params)).toBe(false);
    expect(twilio.validateRequest(other.authToken, signature, `${hook.base}/api/twilio/inbound?ws=7`, { ...params, Body: 'forged' })).toBe(false);
    expect(headers['user-agent']).toBe('TwilioProxy/1.1');
    const media = await fetch(params.MediaUrl0!, { headers: { authorization: `Basic ${Buffer.from(`${other.sid}:${other.authToken}`).toString('base64')}` } });
    expect([media.status, media.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(report.params).toEqual(params);
  });

  test('a wrong call rejects: an account the fake does not hold, or no URL', async () => {
    await expect(fake.inbound({ accountSid: `AC${'1'.repeat(32)}`, from: CUSTOMER, to, url: 'http://127.0.0.1:9/x' })).rejects.toThrow(/no account/);
    await expect(fake.inbound({ from: CUSTOMER, to } as never)).rejects.toThrow(/url/);
    expect(fake.messages).toEqual([]);
  });
});

test('POST /__fake/inbound delivers for a fake in another process and answers the report', async () => {
  const hook = await app(() => 200);
  const post = (body: unknown) => fetch(`${fake.url}/__fake/inbound`, { method: 'POST', body: JSON.stringify(body) });
  const res = await post({ from: CUSTOMER, to, body: 'over http', media: [{ contentType: 'image/jpeg' }], url: `${hook.base}/hook` });
  expect(res.status).toBe(200);
  const report = (await res.json()) as { sid: string; delivered: boolean; attempts: Array<{ status: number }> };
  expect(report).toMatchObject({ delivered: true, attempts: [{ status: 200 }] });
  expect(hook.received[0]!.params).toMatchObject({ MessageSid: report.sid, Body: 'over http', NumMedia: '1' });
  const logged = (await (await fetch(`${fake.url}/__fake/messages`)).json()) as Array<{ sid: string; direction: string }>;
  expect(logged).toEqual([expect.objectContaining({ sid: report.sid, direction: 'inbound' })]);

  const bad = await post({ from: CUSTOMER, to: 'not a number', url: `${hook.base}/hook` });
  expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, expect.stringMatching(/`to`/)]);
});

test('deliverInbound: a route test without a server gets the signed webhook; a throw is a connection failure', async () => {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const local = await startTwilioFake({
    deliverInbound: async (url, params, headers) => {
      calls.push({ url, headers });
      if (url.endsWith('/down')) throw new Error('ECONNREFUSED');
      expect(twilio.validateRequest(local.authToken, headers['x-twilio-signature']!, url, params)).toBe(true);
      return 204;
    },
  });
  try {
    const report = await local.inbound({ from: CUSTOMER, to, url: 'https://app.test/down#rc=0', fallbackUrl: 'https://app.test/up' });
    expect(report.attempts.map((a) => [a.leg, a.error ?? a.status])).toEqual([
      ['primary', 'ECONNREFUSED'],
      ['fallback', 204],
    ]);
    expect(calls.map((c) => c.url)).toEqual(['https://app.test/down', 'https://app.test/up']);
  } finally {
    await local.close();
  }
});

test("connectionSettings: Twilio's defaults, the fragment's overrides, and the default for a value out of range", () => {
  expect(connectionSettings('https://app.test/hook?a=1')).toEqual({
    target: 'https://app.test/hook?a=1',
    settings: { ct: 5000, rt: 15000, tt: 15000, rc: 1, rp: new Set(['ct', 'rt']) },
  });
  expect(connectionSettings('https://app.test/hook#ct=100&rt=250&tt=3000&rc=5&rp=4xx,5xx')).toEqual({
    target: 'https://app.test/hook',
    settings: { ct: 100, rt: 250, tt: 3000, rc: 5, rp: new Set(['4xx', '5xx']) },
  });
  expect(connectionSettings('https://app.test/hook#ct=50&tt=20000&rc=9&rp=all').settings).toEqual({ ct: 5000, rt: 15000, tt: 15000, rc: 1, rp: new Set(['ct', 'rt', '4xx', '5xx']) });
  expect(connectionSettings('https://app.test/hook#rp=ct,sometimes').settings.rp).toEqual(new Set(['ct', 'rt']));
});
