/**
 * The Messages resource, as Twilio answers it (201/200 with snake_case JSON, 400/404 with Twilio's codes):
 *
 *   POST /2010-04-01/Accounts/{AC}/Messages.json         send: validated, recorded, its callbacks scheduled
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}.json   fetch
 */
import type { CallbackScheduler } from './callbacks.ts';
import { sendError, sendJson, sendNotFound, type Exchange } from './http.ts';
import type { FakeState } from './state.ts';
import type { FakeConfig, FakeFailure, FakeMessage } from './types.ts';
import { sid } from './webhooks.ts';

export interface MessagesContext {
  state: FakeState;
  accountSid: string;
  callbacks: CallbackScheduler;
  log: (line: string) => void;
}

/** Answers a create or fetch of this account's messages; false for any other request. */
export function messagesRoute(ex: Exchange, ctx: MessagesContext): boolean {
  const { req, res, url } = ex;
  const create = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(url.pathname);
  const fetchOne = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\/(\w+)\.json$/.exec(url.pathname);
  const account = (create ?? fetchOne)?.[1];
  if (account && account !== ctx.accountSid) {
    sendNotFound(ex);
    return true;
  }
  if (fetchOne && req.method === 'GET') {
    const m = ctx.state.messages.find((x) => x.sid === fetchOne[2]);
    if (m) sendJson(res, 200, messageResource(m));
    else sendNotFound(ex);
    return true;
  }
  if (create && req.method === 'POST') {
    const outcome = createMessage(new URLSearchParams(ex.body.toString()), ctx.accountSid, ctx.state.config);
    if (!outcome.ok) {
      sendError(res, 400, outcome.code, outcome.message);
      return true;
    }
    const { message, failure } = outcome;
    ctx.state.messages.push(message);
    ctx.log(`send ${message.sid} ${message.from} → ${message.to}: ${message.body ?? message.content_sid}`);
    ctx.callbacks.schedule(message, failure);
    ctx.state.notify();
    sendJson(res, 201, messageResource(message));
    return true;
  }
  return false;
}

export type CreateOutcome = { ok: true; message: FakeMessage; failure: FakeFailure | undefined } | { ok: false; code: number; message: string };

/** Validates a send's form as Twilio does (and applies a configured failure at `create`); the message to record, or the 400's code. */
export function createMessage(form: URLSearchParams, accountSid: string, config: FakeConfig): CreateOutcome {
  const to = form.get('To');
  const from = form.get('From');
  const text = form.get('Body');
  const contentSid = form.get('ContentSid');
  const mediaUrl = form.getAll('MediaUrl');
  const refuse = (code: number, message: string): CreateOutcome => ({ ok: false, code, message });
  if (!to) return refuse(21604, "A 'To' phone number is required.");
  if (!from) return refuse(21603, "A 'From' phone number is required.");
  if (!/^whatsapp:(\+[1-9]\d{6,14}|[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]+)$/.test(to)) return refuse(21211, `The 'To' number ${to} is not a valid phone number.`);
  if (!text && !contentSid && mediaUrl.length === 0) return refuse(21602, 'Message body is required.');
  if (contentSid && !/^HX[0-9a-f]{32}$/.test(contentSid)) return refuse(21655, 'The ContentSid is invalid.');
  const failure = config.failures[to] ?? config.failures['*'];
  if (failure?.stage === 'create') return refuse(failure.code, `Twilio fake: configured failure ${failure.code}`);
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
  return { ok: true, message, failure };
}

/** A message as Twilio's API represents it. */
export function messageResource(m: FakeMessage) {
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
