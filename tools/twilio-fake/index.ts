/**
 * A local fake of the parts of Twilio's REST API Switchboard uses, for development and tests (never production):
 *
 *   POST /2010-04-01/Accounts/{AC}/Messages.json            send; answers like Twilio (201, snake_case JSON)
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}.json      fetch
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}/Media/{ME} (Basic auth, as Twilio requires) a 307 to a short-lived
 *        unauthenticated CDN URL, as Twilio answers, which serves a small PNG
 *   POST /v2/Indicators/Typing.json                          WhatsApp typing indicator
 *
 * After a send it posts signed status callbacks (queued → sent → delivered → read) to the message's
 * StatusCallback, with switches for delays, out-of-order and duplicate callbacks, and error codes (at create,
 * like 21211, or later in a callback, like 63016). twilio-node reaches it through its `httpClient` option
 * (lib/twilio/client.ts); the app never knows.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, sid, signature } from './webhooks.ts';

export type CallbackStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

export interface FakeConfig {
  /** Statuses posted after a successful send, in order, with their delay after the send (ms). */
  lifecycle: Array<{ status: CallbackStatus; afterMs: number }>;
  /** Post the callbacks in reverse order (Twilio does not promise any order). */
  outOfOrder: boolean;
  /** Post every callback twice. */
  duplicateCallbacks: boolean;
  /**
   * Failures by recipient (`whatsapp:+…` or `*`): at `create` the API answers 400 with the code; at `callback`
   * the send is accepted and then fails (`failed`, or `undelivered` with `status`) with the code.
   */
  failures: Record<string, { code: number; stage: 'create' | 'callback'; status?: 'failed' | 'undelivered' }>;
  /** Extra latency of every API answer (ms). */
  apiDelayMs: number;
}

export interface FakeMessage {
  sid: string;
  account_sid: string;
  from: string;
  to: string;
  body: string | null;
  content_sid: string | null;
  content_variables: string | null;
  media_url: string[];
  status: CallbackStatus;
  status_callback: string | null;
  error_code: number | null;
  date_created: string;
  callbacks: Array<{ status: CallbackStatus; responseStatus: number | null; error?: string }>;
}

export interface TwilioFakeOptions {
  port?: number;
  host?: string;
  accountSid?: string;
  authToken?: string;
  config?: Partial<FakeConfig>;
  /** Deliver status callbacks by calling this instead of POSTing them (route tests without a server). */
  deliverCallback?: (url: string, params: Record<string, string>, headers: Record<string, string>) => Promise<number>;
  log?: (line: string) => void;
}

export interface TwilioFake {
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  messages: FakeMessage[];
  /** Every request the fake answered, in order: what the app fetched, and whether it sent the credentials. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  configure(patch: Partial<FakeConfig>): void;
  reset(): void;
  /** Resolves when a message matching `predicate` has been sent (and, with `callbacks`, that many callbacks posted). */
  waitFor(predicate: (m: FakeMessage) => boolean, opts?: { callbacks?: number; timeoutMs?: number }): Promise<FakeMessage>;
  /** A media URL the fake serves, as Twilio would put it in an inbound webhook. */
  mediaUrl(messageSid?: string): string;
  close(): Promise<void>;
}

const DEFAULT_CONFIG: FakeConfig = {
  lifecycle: [
    { status: 'queued', afterMs: 5 },
    { status: 'sent', afterMs: 40 },
    { status: 'delivered', afterMs: 120 },
    { status: 'read', afterMs: 300 },
  ],
  outOfOrder: false,
  duplicateCallbacks: false,
  failures: {},
  apiDelayMs: 0,
};

// an 8×8 green PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQMAAAD+wSzIAAAABlBMVEUSfFz///+Ycef2AAAADklEQVQI12NgYGBgYGAAAAAFAAFlfjPyAAAAAElFTkSuQmCC',
  'base64',
);

export async function startTwilioFake(options: TwilioFakeOptions = {}): Promise<TwilioFake> {
  const accountSid = options.accountSid ?? DEMO_ACCOUNT_SID;
  const authToken = options.authToken ?? DEMO_AUTH_TOKEN;
  let config: FakeConfig = { ...DEFAULT_CONFIG, ...options.config };
  const messages: FakeMessage[] = [];
  const requests: TwilioFake['requests'] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const log = options.log ?? (() => {});
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const publicUrl = () => `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const body = await readBody(req);
      if (!url.pathname.startsWith('/__fake/') && url.pathname !== '/health') {
        requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorized: authorized(req.headers.authorization, accountSid, authToken) });
        if (requests.length > 1000) requests.splice(0, requests.length - 1000); // a long-running fake keeps the recent ones
      }
      if (config.apiDelayMs > 0) await new Promise((r) => setTimeout(r, config.apiDelayMs));
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const error = (status: number, code: number, message: string) =>
        reply(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

      if (url.pathname === '/health') return reply(200, { status: 'ok', messages: messages.length });
      if (url.pathname === '/__fake/messages') return reply(200, messages);
      if (url.pathname === '/__fake/config' && req.method === 'POST') {
        config = { ...config, ...(JSON.parse(body.toString() || '{}') as Partial<FakeConfig>) };
        return reply(200, config);
      }
      if (url.pathname === '/__fake/reset' && req.method === 'POST') {
        messages.length = 0;
        requests.length = 0;
        config = { ...DEFAULT_CONFIG, ...options.config };
        return reply(200, { ok: true });
      }

      // the CDN a media URL redirects to: no credentials, like Twilio's signed media links
      if (/^\/cdn\/ME[0-9a-f]{32}$/.test(url.pathname) && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
        return res.end(PNG);
      }
      if (!authorized(req.headers.authorization, accountSid, authToken)) {
        res.setHeader('www-authenticate', 'Basic realm="Twilio API"');
        return error(401, 20003, 'Authenticate');
      }
      const media = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\/((?:SM|MM)[0-9a-f]{32})\/Media\/(ME[0-9a-f]{32})$/.exec(url.pathname);
      if (media && media[1] === accountSid && req.method === 'GET') {
        res.writeHead(307, { location: `${publicUrl()}/cdn/${media[3]}?Expires=${Math.floor(Date.now() / 1000) + 300}` });
        return res.end();
      }
      if (url.pathname === '/v2/Indicators/Typing.json' && req.method === 'POST') return reply(200, { success: true });
      const create = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(url.pathname);
      const fetchOne = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\/(\w+)\.json$/.exec(url.pathname);
      const account = (create ?? fetchOne)?.[1];
      if (account && account !== accountSid) return error(404, 20404, `The requested resource ${url.pathname} was not found`);
      if (fetchOne && req.method === 'GET') {
        const m = messages.find((x) => x.sid === fetchOne[2]);
        return m ? reply(200, resource(m)) : error(404, 20404, `The requested resource ${url.pathname} was not found`);
      }
      if (create && req.method === 'POST') {
        const form = new URLSearchParams(body.toString());
        const to = form.get('To');
        const from = form.get('From');
        const text = form.get('Body');
        const contentSid = form.get('ContentSid');
        const mediaUrl = form.getAll('MediaUrl');
        if (!to) return error(400, 21604, "A 'To' phone number is required.");
        if (!from) return error(400, 21603, "A 'From' phone number is required.");
        if (!/^whatsapp:(\+[1-9]\d{6,14}|[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]+)$/.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
        if (!text && !contentSid && mediaUrl.length === 0) return error(400, 21602, 'Message body is required.');
        if (contentSid && !/^HX[0-9a-f]{32}$/.test(contentSid)) return error(400, 21655, 'The ContentSid is invalid.');
        const failure = config.failures[to] ?? config.failures['*'];
        if (failure?.stage === 'create') return error(400, failure.code, `Twilio fake: configured failure ${failure.code}`);
        const message: FakeMessage = {
          sid: sid(mediaUrl.length ? 'MM' : 'SM'),
          account_sid: accountSid,
          from,
          to,
          body: text,
          content_sid: contentSid,
          content_variables: form.get('ContentVariables'),
          media_url: mediaUrl,
          status: 'queued',
          status_callback: form.get('StatusCallback'),
          error_code: null,
          date_created: new Date().toUTCString(),
          callbacks: [],
        };
        messages.push(message);
        log(`send ${message.sid} ${from} → ${to}: ${text ?? contentSid}`);
        scheduleCallbacks(message, failure);
        notify();
        return reply(201, resource(message));
      }
      return error(404, 20404, `The requested resource ${url.pathname} was not found`);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20500, message: (e as Error).message, status: 500 }));
    }
  });

  function scheduleCallbacks(message: FakeMessage, failure: FakeConfig['failures'][string] | undefined) {
    if (!message.status_callback) return;
    let plan = config.lifecycle.map((s) => ({ ...s }));
    if (failure?.stage === 'callback') {
      const failAt = plan.find((s) => s.status === 'sent')?.afterMs ?? 40;
      plan = [...plan.filter((s) => s.status === 'queued'), { status: failure.status ?? 'failed', afterMs: failAt }];
    }
    if (config.outOfOrder) {
      const delays = plan.map((s) => s.afterMs);
      plan = plan.reverse().map((s, i) => ({ ...s, afterMs: delays[i]! }));
    }
    const sends = config.duplicateCallbacks ? plan.flatMap((s) => [s, { ...s, afterMs: s.afterMs + 5 }]) : plan;
    for (const step of sends) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        void postCallback(message, step.status, failure && (step.status === 'failed' || step.status === 'undelivered') ? failure.code : null);
      }, step.afterMs);
      timers.add(timer);
    }
  }

  async function postCallback(message: FakeMessage, status: CallbackStatus, errorCode: number | null) {
    const url = message.status_callback!;
    message.status = status;
    if (errorCode) message.error_code = errorCode;
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      ChannelInstallSid: 'XE00000000000000000000000000000000',
      ChannelPrefix: 'whatsapp',
      ChannelToAddress: message.to.replace(/^whatsapp:/, ''),
      From: message.from,
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
      ...(status === 'delivered' ? { EventType: 'DELIVERED' } : {}),
      ...(status === 'read' ? { EventType: 'READ' } : {}),
      ...(errorCode ? { ErrorCode: String(errorCode), ErrorMessage: '' } : {}),
      ...(status === 'undelivered' ? { EventType: 'UNDELIVERED' } : {}),
    };
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(authToken, url, params), 'user-agent': 'TwilioProxy/1.1' };
    const entry: FakeMessage['callbacks'][number] = { status, responseStatus: null };
    message.callbacks.push(entry);
    try {
      entry.responseStatus = options.deliverCallback
        ? await options.deliverCallback(url, params, headers)
        : (await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString(), signal: AbortSignal.timeout(15_000) })).status;
    } catch (e) {
      entry.error = (e as Error).message;
    }
    log(`callback ${message.sid} ${status} → ${entry.responseStatus ?? entry.error}`);
    notify();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = publicUrl();
  return {
    url,
    port,
    accountSid,
    authToken,
    messages,
    requests,
    configure: (patch) => {
      config = { ...config, ...patch };
    },
    reset: () => {
      messages.length = 0;
      requests.length = 0;
      config = { ...DEFAULT_CONFIG, ...options.config };
    },
    waitFor(predicate, opts = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = messages.find(predicate);
          if (m && m.callbacks.filter((c) => c.responseStatus !== null || c.error).length >= (opts.callbacks ?? 0)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('twilio fake: no matching message in time'));
        }, opts.timeoutMs ?? 10_000);
        waiters.add(check);
        check();
      });
    },
    mediaUrl: (messageSid = sid('MM')) => `${url}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${sid('ME')}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function resource(m: FakeMessage) {
  return {
    sid: m.sid,
    account_sid: m.account_sid,
    from: m.from,
    to: m.to,
    body: m.body ?? '',
    status: m.status,
    num_media: String(m.media_url.length),
    num_segments: '1',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    price: null,
    price_unit: 'USD',
    error_code: m.error_code,
    error_message: null,
    date_created: m.date_created,
    date_updated: new Date().toUTCString(),
    date_sent: null,
    messaging_service_sid: null,
    uri: `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}.json`,
    subresource_uris: { media: `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}/Media.json` },
  };
}

function authorized(header: string | undefined, accountSid: string, authToken: string): boolean {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  return Buffer.from(m[1]!, 'base64').toString() === `${accountSid}:${authToken}`;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
