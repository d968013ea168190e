/**
 * Twilio webhooks as Twilio sends them: form parameters for an inbound WhatsApp message, and signing with
 * twilio's own getExpectedTwilioSignature. Shared by the fake, the simulator, tests and benchmarks.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export const DEMO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const DEMO_AUTH_TOKEN = 'test-auth-token';

export const sid = (prefix: 'SM' | 'MM' | 'ME' | 'HX' | 'AC' | 'SK' | 'PN' | 'MG' | 'XE') => `${prefix}${randomBytes(16).toString('hex')}`;

export interface InboundOptions {
  accountSid?: string;
  /** The distributor's number, E.164. */
  to: string;
  /** The customer's number (E.164) or BSUID. */
  from: string;
  body?: string;
  profileName?: string;
  messageSid?: string;
  media?: Array<{ url: string; contentType: string }>;
  extra?: Record<string, string>;
}

export function inboundParams(o: InboundOptions): Record<string, string> {
  const media = o.media ?? [];
  const messageSid = o.messageSid ?? sid(media.length ? 'MM' : 'SM');
  const params: Record<string, string> = {
    SmsMessageSid: messageSid,
    NumMedia: String(media.length),
    ProfileName: o.profileName ?? 'Customer',
    MessageType: media.length ? media[0]!.contentType.split('/')[0]! : 'text',
    SmsSid: messageSid,
    SmsStatus: 'received',
    Body: o.body ?? '',
    To: `whatsapp:${o.to}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: messageSid,
    AccountSid: o.accountSid ?? DEMO_ACCOUNT_SID,
    From: `whatsapp:${o.from}`,
    ApiVersion: '2010-04-01',
    ...(o.from.startsWith('+') ? { WaId: o.from.slice(1) } : {}),
  };
  media.forEach((m, i) => {
    params[`MediaUrl${i}`] = m.url;
    params[`MediaContentType${i}`] = m.contentType;
  });
  return { ...params, ...o.extra };
}

export function signature(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** A `Request` exactly as Twilio would send it to `url` (form body, X-Twilio-Signature). */
export function signedRequest(url: string, params: Record<string, string>, authToken = DEMO_AUTH_TOKEN, headers: Record<string, string> = {}): Request {
  return new Request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature(authToken, url, params),
      'user-agent': 'TwilioProxy/1.1',
      ...headers,
    },
    body: new URLSearchParams(params).toString(),
  });
}
