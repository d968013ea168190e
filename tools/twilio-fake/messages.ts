/**
 * The Messages resource, as Twilio answers it (201/200 with snake_case JSON, 400/404 with Twilio's codes):
 *
 *   POST /2010-04-01/Accounts/{AC}/Messages.json         send: validated, checked against the account (sending.ts),
 *                                                        recorded, its callbacks scheduled
 *   GET  /2010-04-01/Accounts/{AC}/Messages.json         the account's log, sent and received: filters, newest
 *                                                        first, paged (history.ts)
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}.json   fetch (the account's own messages only)
 *
 * Received messages enter the log through inbound.ts; their media through media.ts.
 */
import type { CallbackScheduler } from './callbacks.ts';
import { selectMessages } from './history.ts';
import { sendError, sendJson, sendNotFound, type Exchange } from './http.ts';
import { mediaItems } from './media.ts';
import { page2010, rfc2822 } from './paging.ts';
import type { SendChecks } from './sending.ts';
import type { FakeState } from './state.ts';
import type { FakeAccount, FakeConfig, FakeFailure, FakeMessage } from './types.ts';
import { sid } from './webhooks.ts';

export interface MessagesContext {
  state: FakeState;
  callbacks: CallbackScheduler;
  log: (line: string) => void;
}

/** Answers a create or fetch of `account`'s messages (the account the request is authorized for); false otherwise. */
export function messagesRoute(ex: Exchange, ctx: MessagesContext, account: FakeAccount, checks: SendChecks): boolean {
  const { req, res, url } = ex;
  const base = `/2010-04-01/Accounts/${account.sid}/Messages`;
  const fetchOne = url.pathname.startsWith(`${base}/`) ? /^\/(\w+)\.json$/.exec(url.pathname.slice(base.length)) : null;
  if (fetchOne && req.method === 'GET') {
    const m = ctx.state.messages.find((x) => x.sid === fetchOne[1] && x.account_sid === account.sid);
    if (m) sendJson(res, 200, messageResource(m));
    else sendNotFound(ex);
    return true;
  }
  if (url.pathname === `${base}.json` && req.method === 'GET') {
    const listed = selectMessages(ctx.state.messages, account.sid, url.searchParams);
    if (!listed) sendError(res, 400, 20001, 'Invalid date value.');
    else sendJson(res, 200, page2010(url, listed.map(messageResource), 'messages'));
    return true;
  }
  if (url.pathname === `${base}.json` && req.method === 'POST') {
    const outcome = createMessage(new URLSearchParams(ex.body.toString()), account.sid, ctx.state.config, checks);
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

/**
 * Validates a send's form as Twilio does, checks its sender and template against the account (`checks`; without
 * them, any sender and any well-formed ContentSid will do), and applies a configured failure; the message to
 * record, or the 400's code.
 */
export function createMessage(form: URLSearchParams, accountSid: string, config: FakeConfig, checks?: SendChecks): CreateOutcome {
  const to = form.get('To');
  let from = form.get('From');
  let serviceSid = form.get('MessagingServiceSid');
  if (from?.startsWith('MG') && !serviceSid) [serviceSid, from] = [from, null]; // Twilio takes a service sid as From too
  const text = form.get('Body');
  const contentSid = form.get('ContentSid');
  const contentVariables = form.get('ContentVariables');
  const mediaUrl = form.getAll('MediaUrl');
  const refuse = (code: number, message: string): CreateOutcome => ({ ok: false, code, message });
  if (!to) return refuse(21604, "A 'To' phone number is required.");
  if (!from && !serviceSid) return refuse(21603, "A 'From' phone number is required.");
  if (!/^whatsapp:(\+[1-9]\d{6,14}|[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]+)$/.test(to)) return refuse(21211, `The 'To' number ${to} is not a valid phone number.`);
  if (!text && !contentSid && mediaUrl.length === 0) return refuse(21602, 'Message body is required.');
  if (contentSid && !/^HX[0-9a-f]{32}$/.test(contentSid)) return refuse(21655, 'The ContentSid is Invalid');
  if (contentVariables !== null && !isJsonObject(contentVariables)) return refuse(21656, 'The ContentVariables Parameter is invalid');
  if (serviceSid && !/^MG[0-9a-f]{32}$/.test(serviceSid)) return refuse(21705, 'The Messaging Service is invalid');
  const sender = checks ? checks.sender(from, serviceSid) : { ok: true as const, from: from ?? '' };
  if (!sender.ok) return sender;
  const content = contentSid && checks ? checks.content(contentSid) : { ok: true as const };
  if (!content.ok) return content;
  const configured = config.failures[to] ?? config.failures['*'];
  if (configured?.stage === 'create') return refuse(configured.code, `Twilio fake: configured failure ${configured.code}`);
  const now = new Date();
  const media = mediaItems(mediaUrl.map(contentTypeOf), now);
  const message: FakeMessage = {
    sid: sid(mediaUrl.length ? 'MM' : 'SM'),
    account_sid: accountSid,
    direction: 'outbound-api',
    from: sender.from,
    to,
    body: text,
    content_sid: contentSid,
    content_variables: contentVariables,
    messaging_service_sid: serviceSid,
    media_url: mediaUrl,
    media,
    num_media: media.length,
    status: 'queued',
    status_callback: form.get('StatusCallback'),
    error_code: null,
    date_created: rfc2822(now),
    date_sent: null,
    callbacks: [],
    webhooks: [],
  };
  return { ok: true, message, failure: configured ?? ('failure' in content ? content.failure : undefined) };
}

/** The content type Twilio would find at a send's MediaUrl, by its extension (the fake fetches nothing). */
function contentTypeOf(mediaUrl: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(mediaUrl)?.[1]?.toLowerCase();
  const types: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf', mp4: 'video/mp4', ogg: 'audio/ogg', mp3: 'audio/mpeg' };
  return (ext && types[ext]) || 'application/octet-stream';
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** A message as Twilio's API represents it, sent (`outbound-api`) or received (`inbound`, status `received`). */
export function messageResource(m: FakeMessage) {
  return {
    sid: m.sid,
    account_sid: m.account_sid,
    from: m.from,
    to: m.to,
    body: m.body ?? '',
    status: m.status,
    num_media: String(m.num_media),
    num_segments: '1',
    direction: m.direction,
    api_version: '2010-04-01',
    price: null,
    price_unit: 'USD',
    error_code: m.error_code,
    error_message: null,
    date_created: m.date_created,
    date_updated: rfc2822(new Date()),
    date_sent: m.date_sent,
    messaging_service_sid: m.messaging_service_sid,
    uri: `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}.json`,
    subresource_uris: { media: `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}/Media.json` },
  };
}
