// When storage is down, a webhook is answered 503 (with Retry-After, no internals), never 200 and never a bare 500,
// so Twilio retries; the retry after the stand-in is back stores the message once. Runs the route against a
// stand-in of its own, stopped and started again mid-test.
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LOCAL_SECRET_KEY } from '../../../../standin/src/keys.ts';
import { ACME } from '../../../../tests/helpers/demo.ts';
import { INBOUND_URL, randomNumber, STATUS_URL } from '../../../../tests/helpers/app.ts';
import { startStandinProcess, type StandinProcess } from '../../../../tests/helpers/own-standin.ts';
import { startTwilioFake, type TwilioFake } from '../../../../tools/twilio-fake/index.ts';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, inboundParams, sid, signedRequest } from '../../../../tools/twilio-fake/webhooks.ts';

let own: StandinProcess;
let fake: TwilioFake;
let POST: (request: Request) => Promise<Response>;
let STATUS: (request: Request) => Promise<Response>;
beforeAll(async () => {
  own = await startStandinProcess({ seed: true });
  // a 503 asks for a reconciliation sweep, which reads Twilio's log: the fake's, never twilio.com
  fake = await startTwilioFake();
  process.env.TWILIO_API_BASE_URL = fake.url;
  // before the route's modules are loaded: its service client is made once, for this stand-in
  process.env.NEXT_PUBLIC_SUPABASE_URL = own.url;
  ({ POST } = await import('./route.ts'));
  ({ POST: STATUS } = await import('../status/route.ts'));
}, 120_000);
afterAll(async () => {
  await fake?.close();
  await own?.destroy();
});

const send = (params: Record<string, string>) => POST(signedRequest(INBOUND_URL, params, DEMO_AUTH_TOKEN));
async function stored(messageSid: string): Promise<number> {
  const svc = createClient(own.url, LOCAL_SECRET_KEY, { auth: { persistSession: false } });
  const { count, error } = await svc.from('messages').select('id', { count: 'exact', head: true }).eq('twilio_sid', messageSid);
  if (error) throw new Error(error.message);
  return count ?? 0;
}

test('storage down: inbound messages and status callbacks get 503 with Retry-After, nothing leaks; the retry once it is back stores the message once', async () => {
  const customer = randomNumber('+1555');
  const first = inboundParams({ to: ACME.number, from: customer, body: 'before' });
  expect((await send(first)).status).toBe(200); // the sender is known (and cached) from here on
  const warm = { AccountSid: DEMO_ACCOUNT_SID, MessageSid: sid('SM'), MessageStatus: 'sent', From: `whatsapp:${ACME.number}`, To: `whatsapp:${customer}`, ApiVersion: '2010-04-01' };
  expect((await STATUS(signedRequest(STATUS_URL, warm, DEMO_AUTH_TOKEN))).status).toBeLessThan(500);

  await own.stop();
  const lost = inboundParams({ to: ACME.number, from: customer, body: 'while the database is away' });
  const down = await send(lost);
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toBe('5');
  const text = await down.text();
  expect(JSON.parse(text)).toEqual({ error: { code: 'temporarily_unavailable', message: 'The webhook could not be stored right now. Please retry.' } });
  expect(text).not.toMatch(/at \w+ \(|fetch failed|ECONNREFUSED|127\.0\.0\.1|supabase/i);

  // a status callback too: its sender is known, its write fails
  const callback = { AccountSid: DEMO_ACCOUNT_SID, MessageSid: sid('SM'), MessageStatus: 'delivered', From: `whatsapp:${ACME.number}`, To: `whatsapp:${customer}`, ApiVersion: '2010-04-01' };
  expect((await STATUS(signedRequest(STATUS_URL, { ...callback, MessageStatus: 'sent' }, DEMO_AUTH_TOKEN))).status).toBe(503);

  await own.restart();
  expect((await send(lost)).status).toBe(200);
  expect((await send(lost)).status).toBe(200); // Twilio's retries may overlap: still once
  expect(await stored(lost.MessageSid!)).toBe(1);
  expect(await stored(first.MessageSid!)).toBe(1);
}, 120_000);
