/**
 * messaging.twilio.com, for the credentials' account, with twilio-node's field names (rest/messaging/v1/service.ts,
 * service/phoneNumber.ts, service/channelSender.ts, rest/messaging/v2/channelsSender.ts):
 *
 *   GET /v1/Services                               the account's Messaging Services (paged, `meta`, key services)
 *   GET /v1/Services/{MG}                          one service; another account's is a 404, as on Twilio
 *   GET /v1/Services/{MG}/PhoneNumbers[/{PN}]      its Twilio numbers (key phone_numbers)
 *   GET /v1/Services/{MG}/ChannelSenders[/{XE}]    its WhatsApp senders, `whatsapp:+…` (key senders)
 *   GET /v2/Channels/Senders[/{XE}]                the account's WhatsApp senders (Senders API; key senders)
 *   POST /v2/Indicators/Typing.json                WhatsApp typing indicator
 */
import { sendJson, sendNotFound, type Exchange } from './http.ts';
import { iso8601, pageV1 } from './paging.ts';
import type { FakeAccount, FakeNumber, FakeService } from './types.ts';

const HOST = 'https://messaging.twilio.com';

/** Answers the account's Messaging Services and senders; false for any other request. */
export function messagingRoute(ex: Exchange, account: FakeAccount): boolean {
  const { req, res, url } = ex;
  if (url.pathname === '/v2/Indicators/Typing.json' && req.method === 'POST') {
    sendJson(res, 200, { success: true });
    return true;
  }
  if (req.method !== 'GET') return false;
  const path = url.pathname;
  if (path === '/v1/Services') return answer(ex, pageV1(url, account.services.map((s) => serviceResource(account, s)), 'services', HOST));
  if (path === '/v2/Channels/Senders') {
    const channel = url.searchParams.get('Channel');
    const senders = channel && channel !== 'whatsapp' ? [] : account.numbers.filter((n) => n.whatsapp);
    return answer(ex, pageV1(url, senders.map(channelsSenderResource), 'senders', HOST));
  }
  const sender = /^\/v2\/Channels\/Senders\/(XE[0-9a-f]{32})$/.exec(path);
  if (sender) return answer(ex, found(account.numbers.find((n) => n.whatsapp && n.senderSid === sender[1]), channelsSenderResource));

  const m = /^\/v1\/Services\/(MG[0-9a-f]{32})(?:\/(PhoneNumbers|ChannelSenders)(?:\/((?:PN|XE)[0-9a-f]{32}))?)?$/.exec(path);
  if (!m) return false;
  const service = account.services.find((s) => s.sid === m[1]);
  if (!service) return answer(ex, null);
  const pool = service.numbers.map((e164) => account.numbers.find((n) => n.phoneNumber === e164)).filter((n) => n !== undefined);
  if (!m[2]) return answer(ex, serviceResource(account, service));
  if (m[2] === 'PhoneNumbers') {
    const numbers = pool.filter((n) => n.incoming).map((n) => poolNumberResource(account, service, n));
    return answer(ex, m[3] ? (numbers.find((n) => n.sid === m[3]) ?? null) : pageV1(url, numbers, 'phone_numbers', HOST));
  }
  const senders = pool.filter((n) => n.whatsapp).map((n) => channelSenderResource(account, service, n));
  return answer(ex, m[3] ? (senders.find((s) => s.sid === m[3]) ?? null) : pageV1(url, senders, 'senders', HOST));
}

function answer(ex: Exchange, json: unknown): true {
  if (json === null) sendNotFound(ex);
  else sendJson(ex.res, 200, json);
  return true;
}

function found<T, R>(value: T | undefined, render: (v: T) => R): R | null {
  return value === undefined ? null : render(value);
}

export function serviceResource(a: FakeAccount, s: FakeService) {
  const url = `${HOST}/v1/Services/${s.sid}`;
  return {
    account_sid: a.sid,
    area_code_geomatch: true,
    date_created: iso8601(s.dateCreated),
    date_updated: iso8601(s.dateCreated),
    fallback_method: 'POST',
    fallback_to_long_code: true,
    fallback_url: null,
    friendly_name: s.friendlyName,
    inbound_method: 'POST',
    inbound_request_url: s.inboundRequestUrl,
    links: {
      phone_numbers: `${url}/PhoneNumbers`,
      short_codes: `${url}/ShortCodes`,
      alpha_senders: `${url}/AlphaSenders`,
      messages: `${url}/Messages`,
      us_app_to_person: `${url}/Compliance/Usa2p`,
      us_app_to_person_usecases: `${url}/Compliance/Usa2p/Usecases`,
      channel_senders: `${url}/ChannelSenders`,
      destination_alpha_senders: `${url}/DestinationAlphaSenders`,
    },
    mms_converter: true,
    scan_message_content: 'inherit',
    sid: s.sid,
    smart_encoding: true,
    status_callback: s.statusCallback,
    sticky_sender: true,
    synchronous_validation: true,
    url,
    us_app_to_person_registered: false,
    use_inbound_webhook_on_number: true,
    usecase: 'undeclared',
    validity_period: 36000,
  };
}

function poolNumberResource(a: FakeAccount, s: FakeService, n: FakeNumber) {
  const caps = n.capabilities;
  return {
    account_sid: a.sid,
    capabilities: [caps.mms && 'MMS', caps.sms && 'SMS', caps.voice && 'Voice', caps.fax && 'Fax'].filter(Boolean),
    country_code: countryCode(n.phoneNumber),
    date_created: iso8601(n.dateCreated),
    date_updated: iso8601(n.dateCreated),
    phone_number: n.phoneNumber,
    service_sid: s.sid,
    sid: n.sid,
    url: `${HOST}/v1/Services/${s.sid}/PhoneNumbers/${n.sid}`,
  };
}

function channelSenderResource(a: FakeAccount, s: FakeService, n: FakeNumber) {
  return {
    account_sid: a.sid,
    country_code: countryCode(n.phoneNumber),
    date_created: iso8601(n.dateCreated),
    date_updated: iso8601(n.dateCreated),
    messaging_service_sid: s.sid,
    sender: `whatsapp:${n.phoneNumber}`,
    sender_type: 'WhatsApp',
    sid: n.senderSid,
    url: `${HOST}/v1/Services/${s.sid}/ChannelSenders/${n.senderSid}`,
  };
}

function channelsSenderResource(n: FakeNumber) {
  return {
    sid: n.senderSid,
    status: n.senderStatus,
    sender_id: `whatsapp:${n.phoneNumber}`,
    configuration: { waba_id: '000000000000000', verification_method: 'sms', verification_code: null, voice_application_sid: null },
    webhook: { callback_url: null, callback_method: 'POST', fallback_url: null, fallback_method: 'POST', status_callback_url: null, status_callback_method: 'POST' },
    profile: { name: n.friendlyName, about: null, address: null, emails: null, vertical: null, logo_url: null, description: null, websites: null },
    properties: { quality_rating: 'HIGH', messaging_limit: '1K Customers/24hr' },
    offline_reasons: null,
    compliance: null,
    url: `${HOST}/v2/Channels/Senders/${n.senderSid}`,
  };
}

/** Enough of E.164 for the fake's numbers: +1 US, +44 GB, +52 MX, +55 BR, +34 ES; otherwise unknown. */
function countryCode(e164: string): string | null {
  const prefixes: Array<[string, string]> = [['+1', 'US'], ['+44', 'GB'], ['+52', 'MX'], ['+55', 'BR'], ['+34', 'ES']];
  return prefixes.find(([p]) => e164.startsWith(p))?.[1] ?? null;
}
