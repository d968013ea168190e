/**
 * How Twilio POSTs a webhook: to the primary URL with its connection settings, retrying within a total time, and
 * then, if the primary failed, once to the fallback URL. From Twilio's "Webhooks (HTTP callbacks): Connection
 * Overrides" page:
 *
 *   overrides   a URL fragment of key=value pairs (`https://app/hook#ct=1000&rt=2000&tt=5000&rc=3&rp=ct,5xx`); the
 *               fragment is never sent, it only configures the connection
 *   ct          connect timeout, 100–10000 ms, default 5000
 *   rt          read timeout (to the first response byte, and between bytes), 100–15000 ms, default 15000
 *   tt          total time for every attempt and retry together, 100–15000 ms, default 15000 (the maximum)
 *   rc          retries, 0–5, default 1
 *   rp          what is retried: ct (connection failures), rt (read timeouts), 4xx, 5xx, all; default ct,rt
 *               (invalid values are Twilio's errors 11237–11243; the fake falls back to the default)
 *   failure     anything but a 2xx (connection error, timeout, other status) fails the URL: Twilio then requests
 *               the fallback URL, once (Messaging's "fallback URL" setting)
 *
 * Twilio does not publish how far apart its retries are. The fake spreads the attempts evenly over tt (attempt k
 * starts no sooner than k·tt/(rc+1)), so every attempt fits in tt and a server that comes back within it is
 * reached. The fallback URL gets one attempt under its own fragment's ct and rt, within its own tt.
 *
 * The transport is node:http(s), or, for route tests without a server, a function that answers a status (a throw
 * is a connection failure; rt still bounds it).
 */
import http from 'node:http';
import https from 'node:https';
import type { InboundAttempt } from './types.ts';

export interface ConnectionSettings {
  ct: number;
  rt: number;
  tt: number;
  rc: number;
  rp: Set<RetryOn>;
}

type RetryOn = 'ct' | 'rt' | '4xx' | '5xx';
type Failure = RetryOn | 'other';

const RANGES = { ct: [100, 10_000, 5_000], rt: [100, 15_000, 15_000], tt: [100, 15_000, 15_000], rc: [0, 5, 1] } as const;
const DEFAULT_RETRY_ON: RetryOn[] = ['ct', 'rt'];

/** A webhook URL's target (the fragment dropped) and its connection settings (the fragment's, over the defaults). */
export function connectionSettings(webhookUrl: string): { target: string; settings: ConnectionSettings } {
  const url = new URL(webhookUrl);
  const overrides = new URLSearchParams(url.hash.slice(1));
  url.hash = '';
  const number = (key: keyof typeof RANGES) => {
    const [min, max, fallback] = RANGES[key];
    const raw = overrides.get(key);
    const n = raw === null ? NaN : Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
  };
  const tokens = (overrides.get('rp') ?? '').split(',').filter(Boolean);
  const valid = tokens.every((t) => ['ct', 'rt', '4xx', '5xx', 'all'].includes(t));
  const rp = !tokens.length || !valid ? DEFAULT_RETRY_ON : tokens.includes('all') ? (['ct', 'rt', '4xx', '5xx'] as RetryOn[]) : (tokens as RetryOn[]);
  return { target: url.toString(), settings: { ct: number('ct'), rt: number('rt'), tt: number('tt'), rc: number('rc'), rp: new Set(rp) } };
}

export type Transport = (url: string, params: Record<string, string>, headers: Record<string, string>) => Promise<number>;

export interface WebhookDelivery {
  /** The form parameters, the same on every attempt. */
  params: Record<string, string>;
  /** The headers of one URL (its signature is that URL's). */
  headersFor: (webhookUrl: string) => Record<string, string>;
  primary: string;
  fallback?: string;
  transport?: Transport;
  /** Called after every attempt (the fake records it on the message and wakes its waiters). */
  onAttempt?: (attempt: InboundAttempt) => void;
}

/** POSTs the webhook as Twilio does; resolves with which URL took it, if any, and every attempt. Never rejects. */
export async function deliverWebhook(d: WebhookDelivery): Promise<{ deliveredBy: 'primary' | 'fallback' | null; attempts: InboundAttempt[] }> {
  const attempts: InboundAttempt[] = [];
  const record = (a: InboundAttempt) => {
    attempts.push(a);
    d.onAttempt?.(a);
  };
  if (await tryUrl(d, 'primary', d.primary, true, record)) return { deliveredBy: 'primary', attempts };
  if (d.fallback && (await tryUrl(d, 'fallback', d.fallback, false, record))) return { deliveredBy: 'fallback', attempts };
  return { deliveredBy: null, attempts };
}

async function tryUrl(d: WebhookDelivery, leg: InboundAttempt['leg'], webhookUrl: string, retry: boolean, record: (a: InboundAttempt) => void): Promise<boolean> {
  let parsed: ReturnType<typeof connectionSettings>;
  try {
    parsed = connectionSettings(webhookUrl);
  } catch {
    record({ leg, url: webhookUrl, error: 'invalid URL', ms: 0 });
    return false;
  }
  const { target, settings } = parsed;
  const start = Date.now();
  const deadline = start + settings.tt;
  const tries = retry ? settings.rc + 1 : 1;
  for (let k = 0; k < tries; k++) {
    const slot = start + (k * settings.tt) / tries;
    if (slot > Date.now()) await new Promise((r) => setTimeout(r, slot - Date.now()));
    if (Date.now() >= deadline) break;
    const begun = Date.now();
    const outcome = await attempt(target, d.params, d.headersFor(webhookUrl), settings, deadline, d.transport);
    record({ leg, url: target, ...(outcome.status !== undefined ? { status: outcome.status } : { error: outcome.error }), ms: Date.now() - begun });
    if (outcome.failure === null) return true;
    if (outcome.failure === 'other' || !settings.rp.has(outcome.failure)) break;
  }
  return false;
}

type Outcome = { status?: number; error?: string; failure: Failure | null };

const byStatus = (status: number): Outcome => ({
  status,
  failure: status >= 200 && status < 300 ? null : status >= 500 && status < 600 ? '5xx' : status >= 400 && status < 500 ? '4xx' : 'other',
});

/** One POST, bounded by ct, rt and the deadline. */
function attempt(target: string, params: Record<string, string>, headers: Record<string, string>, s: ConnectionSettings, deadline: number, transport?: Transport): Promise<Outcome> {
  const remaining = () => Math.max(0, deadline - Date.now());
  if (transport) {
    const limit = Math.min(s.rt, remaining());
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => resolve({ error: limit < s.rt ? 'total time exceeded' : 'read timeout', failure: 'rt' }), limit);
      transport(target, params, headers).then(
        (status) => (clearTimeout(timer), resolve(byStatus(status))),
        (e: Error) => (clearTimeout(timer), resolve({ error: e.message || 'connection failed', failure: 'ct' })),
      );
    });
  }
  return new Promise<Outcome>((resolve) => {
    const body = Buffer.from(new URLSearchParams(params).toString());
    const url = new URL(target);
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-length': body.length },
    });
    let connected = false;
    let sent = false;
    let settled = false;
    let readTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      clearTimeout(readTimer);
      request.destroy();
      resolve(outcome);
    };
    const fail = (error: string, failure: Failure) => finish({ error, failure });
    const waitForBytes = () => {
      clearTimeout(readTimer);
      readTimer = setTimeout(() => fail('read timeout', 'rt'), s.rt);
    };
    const connectTimer = setTimeout(() => fail('connect timeout', 'ct'), Math.min(s.ct, remaining()));
    const totalTimer = setTimeout(() => fail('total time exceeded', connected ? 'rt' : 'ct'), remaining());
    // rt runs from the moment the whole request is on a connected socket
    request.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        connected = true;
        clearTimeout(connectTimer);
        if (sent) waitForBytes();
      });
    });
    request.on('finish', () => {
      sent = true;
      if (connected) waitForBytes();
    });
    request.on('response', (response) => {
      waitForBytes();
      response.on('data', waitForBytes);
      response.on('end', () => finish(byStatus(response.statusCode ?? 0)));
      response.on('error', (e) => fail(e.message, 'rt'));
    });
    request.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message, 'ct'));
    request.end(body);
  });
}
