/**
 * A received WhatsApp message, as Twilio handles one: it enters the receiving account's message log first
 * (`direction: inbound`, `status: received`, date_sent when it arrived, its media in the Media subresource), so
 * the Messages list has it whether or not the webhook ever gets through; then its webhook is delivered
 * (delivery.ts: the primary URL with its connection overrides, then the fallback URL once).
 *
 * The webhook is what webhooks.ts builds (`inboundParams`, MediaUrlN = the fake's media URLs, which answer 307 to
 * the CDN), signed with the receiving account's Auth Token by twilio's own helper, with the headers Twilio sends:
 * X-Twilio-Signature, `User-Agent: TwilioProxy/1.1`, and an I-Twilio-Idempotency-Token that stays the same on every
 * retry and on the fallback, so the app can tell a retry from a new message.
 *
 * The signed URL is the URL requested, without the connection-override fragment: the fragment is a note to
 * Twilio's HTTP client and never reaches the app, which can only validate against what it received. Twilio's
 * security page says only that it signs "the exact URL" the app configured; the one explicit statement found
 * (a webhook-gateway vendor's Twilio guide) says the fragment is not part of signature validation.
 */
import { randomUUID } from 'node:crypto';
import type { Directory } from './accounts.ts';
import { connectionSettings, deliverWebhook, type Transport } from './delivery.ts';
import { mediaItems, mediaUrl } from './media.ts';
import { rfc2822 } from './paging.ts';
import type { FakeState } from './state.ts';
import type { FakeAccount, FakeMessage, InboundDelivery, InboundInit } from './types.ts';
import { inboundParams, sid, signature } from './webhooks.ts';

export type Inbound = (init: InboundInit) => Promise<InboundDelivery>;

export interface InboundContext {
  state: FakeState;
  directory: Directory;
  /** The account a message goes to when neither the call nor the number says. */
  defaultAccountSid: string;
  /** The fake's base URL, for the media URLs in the webhook. */
  publicUrl: () => string;
  transport?: Transport;
  log: (line: string) => void;
}

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/** The fake's receiver: records, then delivers. Rejects only on a call that is wrong (see checkInbound). */
export function inboundReceiver(ctx: InboundContext): Inbound {
  return async (raw) => {
    const init = checkInbound(raw);
    const account = receivingAccount(init, ctx);
    const to = init.to.replace(/^whatsapp:/, '');
    const from = init.from.replace(/^whatsapp:/, '');
    const at = init.dateSent === undefined ? new Date() : new Date(init.dateSent);
    const media = mediaItems((init.media ?? []).map((m) => m.contentType), at);
    const message: FakeMessage = {
      sid: sid(media.length ? 'MM' : 'SM'),
      account_sid: account.sid,
      direction: 'inbound',
      from: `whatsapp:${from}`,
      to: `whatsapp:${to}`,
      body: init.body ?? '',
      content_sid: null,
      content_variables: null,
      messaging_service_sid: null,
      media_url: [],
      media,
      num_media: media.length,
      status: 'received',
      status_callback: null,
      error_code: null,
      date_created: rfc2822(at),
      date_sent: rfc2822(at),
      callbacks: [],
      webhooks: [],
    };
    ctx.state.messages.push(message);
    ctx.state.notify();

    const params = inboundParams({
      accountSid: account.sid,
      to,
      from,
      body: init.body,
      profileName: init.profileName,
      messageSid: message.sid,
      media: media.map((m) => ({ url: mediaUrl(ctx.publicUrl(), account.sid, message.sid, m.sid), contentType: m.content_type })),
    });
    const token = randomUUID();
    const headersFor = (webhookUrl: string) => ({
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature(account.authToken, connectionSettings(webhookUrl).target, params),
      'i-twilio-idempotency-token': token,
      'user-agent': 'TwilioProxy/1.1',
    });
    const { deliveredBy, attempts } = await deliverWebhook({
      params,
      headersFor,
      primary: init.url,
      fallback: init.fallbackUrl,
      transport: ctx.transport,
      onAttempt: (a) => {
        message.webhooks.push(a);
        ctx.state.notify();
      },
    });
    const outcome = deliveredBy ? `delivered by the ${deliveredBy}` : 'not delivered';
    ctx.log(`inbound ${message.sid} ${message.from} → ${message.to}: ${message.body} (${outcome}, ${attempts.length} attempt(s))`);
    return { sid: message.sid, accountSid: account.sid, delivered: deliveredBy !== null, deliveredBy, attempts, params };
  };
}

/** Which account receives it: the one asked for, else the number's holder, else the default account. */
function receivingAccount(init: InboundInit, ctx: InboundContext): FakeAccount {
  const holder = ctx.directory.number(init.to.replace(/^whatsapp:/, ''))?.account;
  const sid = init.accountSid ?? holder?.sid ?? ctx.defaultAccountSid;
  const account = ctx.directory.get(sid);
  if (!account) throw new Error(`twilio fake: no account ${sid}`);
  if (holder && holder.sid !== account.sid) throw new Error(`twilio fake: ${init.to} belongs to ${holder.sid}, not ${account.sid}`);
  return account;
}

/** The call as the types say it must be (it may come as JSON from another process); throws saying what is wrong. */
export function checkInbound(value: unknown): InboundInit {
  const init = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const wrong = (what: string) => new Error(`twilio fake: inbound needs ${what}`);
  const optionalString = (key: string) => init[key] === undefined || typeof init[key] === 'string';
  if (typeof init.from !== 'string' || !/^(whatsapp:)?[^\s]{3,}$/.test(init.from)) throw wrong('`from`: an E.164 number or a BSUID');
  if (typeof init.to !== 'string' || !/^(whatsapp:)?\+[1-9]\d{6,14}$/.test(init.to)) throw wrong('`to`: an E.164 number');
  if (!isHttpUrl(init.url)) throw wrong('`url`: an http(s) URL');
  if (init.fallbackUrl !== undefined && !isHttpUrl(init.fallbackUrl)) throw wrong('`fallbackUrl`: an http(s) URL');
  if (!optionalString('accountSid') || !optionalString('body') || !optionalString('profileName')) throw wrong('strings for accountSid, body and profileName');
  const media = init.media;
  if (media !== undefined && !(Array.isArray(media) && media.every((m) => typeof m?.contentType === 'string' && CONTENT_TYPE.test(m.contentType)))) {
    throw wrong('`media`: [{ contentType: "type/subtype" }]');
  }
  const dateSent = init.dateSent;
  if (dateSent !== undefined && !((dateSent instanceof Date || typeof dateSent === 'string') && !Number.isNaN(new Date(dateSent).getTime()))) {
    throw wrong('`dateSent`: a date');
  }
  return init as unknown as InboundInit;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
