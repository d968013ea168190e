/**
 * `npm run simulate` — plays Twilio: sends signed inbound WhatsApp webhooks to the app and prints the answers.
 *
 *   npm run simulate -- message [--body "Hola"] [--from +15551234567] [--name "Lucía"] [--to +14155550100]
 *   npm run simulate -- media   [--type image/png] [--body "caption"] [--from …]
 *   npm run simulate -- burst   [--count 100] [--rate 20] [--customers 10] [--to …]
 *
 * The app URL is PUBLIC_BASE_URL (default http://127.0.0.1:3000), signed with TWILIO_AUTH_TOKEN (default the
 * demo token); media URLs point at the Twilio fake (TWILIO_API_BASE_URL, default http://127.0.0.1:4010).
 */
import { randomInt } from 'node:crypto';
import { summarize } from '../bench/stats.ts';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, inboundParams, sid, signature } from './twilio-fake/webhooks.ts';

const argv = process.argv.slice(2);
const command = argv[0] && !argv[0].startsWith('--') ? argv[0] : 'message';
const opt = (name: string, fallback?: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};

const appUrl = (opt('app') ?? process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const authToken = opt('token') ?? process.env.TWILIO_AUTH_TOKEN ?? DEMO_AUTH_TOKEN;
const accountSid = process.env.TWILIO_ACCOUNT_SID || DEMO_ACCOUNT_SID;
const fakeUrl = (process.env.TWILIO_API_BASE_URL ?? 'http://127.0.0.1:4010').replace(/\/+$/, '');
const to = opt('to', '+14155550100')!;
const inboundUrl = `${appUrl}/api/twilio/inbound`;

const SAMPLE_BODIES = [
  'Hola, ¿tienen stock de aceite de oliva?',
  'Necesito 20 cajas para el viernes',
  'Is my order on its way?',
  'Can you send me the price list?',
  '¿A qué hora llega el repartidor?',
  'Thanks, received!',
];
const randomCustomer = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

async function post(params: Record<string, string>): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  const res = await fetch(inboundUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(authToken, inboundUrl, params), 'user-agent': 'TwilioProxy/1.1' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text };
}

function describe(params: Record<string, string>) {
  const media = Number(params.NumMedia) > 0 ? ` [${params.MediaContentType0} ${params.MediaUrl0}]` : '';
  return `${params.MessageSid} ${params.From} → ${params.To}: ${JSON.stringify(params.Body)}${media}`;
}

async function single(withMedia: boolean) {
  const messageSid = sid(withMedia ? 'MM' : 'SM');
  const params = inboundParams({
    accountSid,
    to,
    from: opt('from', randomCustomer())!,
    body: opt('body', withMedia ? '' : SAMPLE_BODIES[randomInt(0, SAMPLE_BODIES.length)]!),
    profileName: opt('name', 'Demo Customer'),
    messageSid,
    media: withMedia ? [{ url: `${fakeUrl}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${sid('ME')}`, contentType: opt('type', 'image/png')! }] : [],
  });
  console.log(`→ ${describe(params)}`);
  const r = await post(params);
  console.log(`← ${r.status} in ${r.ms.toFixed(1)} ms ${r.status === 200 ? '' : r.text}`);
  if (r.status !== 200) process.exitCode = 1;
}

async function burst() {
  const count = Number(opt('count', '100'));
  const rate = Number(opt('rate', '20'));
  const customers = Array.from({ length: Number(opt('customers', '10')) }, randomCustomer);
  console.log(`burst: ${count} messages at ${rate}/s from ${customers.length} customers to ${to} via ${inboundUrl}`);
  const started = performance.now();
  const results: Array<{ status: number; ms: number }> = [];
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const params = inboundParams({ accountSid, to, from: customers[i % customers.length]!, body: `${SAMPLE_BODIES[i % SAMPLE_BODIES.length]} (#${i + 1})`, profileName: `Customer ${(i % customers.length) + 1}` });
    inflight.push(post(params).then((r) => void results.push(r)).catch(() => void results.push({ status: 0, ms: NaN })));
  }
  await Promise.all(inflight);
  const byStatus = results.reduce<Record<string, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});
  const s = summarize(results.filter((r) => r.status === 200).map((r) => r.ms));
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; answers: ${JSON.stringify(byStatus)}`);
  console.log(`response time: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`);
  if (Object.keys(byStatus).some((k) => k !== '200')) process.exitCode = 1;
}

async function main() {
  if (command === 'message') return single(false);
  if (command === 'media') return single(true);
  if (command === 'burst') return burst();
  console.error(`unknown command "${command}": use message, media or burst`);
  process.exitCode = 2;
}

main().catch((error: Error) => {
  console.error(`simulate: ${error.message} (is the app running on ${appUrl}?)`);
  process.exitCode = 1;
});
