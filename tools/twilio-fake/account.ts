/**
 * The 2010-04-01 Account resource and its numbers, with twilio-node's field names
 * (rest/api/v2010/account.ts, account/incomingPhoneNumber.ts):
 *
 *   GET /2010-04-01/Accounts/{AC}.json                              the account (not with a standard API key: auth.ts)
 *   GET /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json         paged; PhoneNumber (digits, `*` for any digit,
 *                                                                   partial matches), FriendlyName, Origin filters
 *   GET /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{PN}.json    one number
 *
 * Only the account's Twilio numbers are listed (FakeNumber.incoming): a WhatsApp sender on the customer's own
 * number is in Senders (messaging.ts), not here, and the WhatsApp Sandbox number is in no account's list.
 */
import { sendJson, sendNotFound, type Exchange } from './http.ts';
import { page2010, rfc2822 } from './paging.ts';
import type { FakeAccount, FakeNumber } from './types.ts';

const SUBRESOURCES: Record<string, string> = {
  addresses: 'Addresses',
  applications: 'Applications',
  authorized_connect_apps: 'AuthorizedConnectApps',
  available_phone_numbers: 'AvailablePhoneNumbers',
  balance: 'Balance',
  calls: 'Calls',
  conferences: 'Conferences',
  connect_apps: 'ConnectApps',
  incoming_phone_numbers: 'IncomingPhoneNumbers',
  keys: 'Keys',
  messages: 'Messages',
  notifications: 'Notifications',
  outgoing_caller_ids: 'OutgoingCallerIds',
  queues: 'Queues',
  recordings: 'Recordings',
  short_codes: 'SMS/ShortCodes',
  signing_keys: 'SigningKeys',
  sip: 'SIP',
  transcriptions: 'Transcriptions',
  usage: 'Usage',
};

/** Answers the account's own resource and its IncomingPhoneNumbers; false for any other request. */
export function accountRoute(ex: Exchange, account: FakeAccount): boolean {
  const { req, res, url } = ex;
  if (req.method !== 'GET') return false;
  const base = `/2010-04-01/Accounts/${account.sid}`;
  if (url.pathname === `${base}.json`) {
    sendJson(res, 200, accountResource(account));
    return true;
  }
  const numbers = account.numbers.filter((n) => n.incoming);
  if (url.pathname === `${base}/IncomingPhoneNumbers.json`) {
    const matches = numbers.filter(numberFilter(url.searchParams));
    sendJson(res, 200, page2010(url, matches.map((n) => incomingNumberResource(account, n)), 'incoming_phone_numbers'));
    return true;
  }
  const one = new RegExp(`^${base}/IncomingPhoneNumbers/(PN[0-9a-f]{32})\\.json$`).exec(url.pathname);
  if (one) {
    const number = numbers.find((n) => n.sid === one[1]);
    if (number) sendJson(res, 200, incomingNumberResource(account, number));
    else sendNotFound(ex);
    return true;
  }
  return false;
}

/** The list's filters: PhoneNumber as a pattern (a space stands for a `+` a client left unencoded), FriendlyName, Origin. */
function numberFilter(q: URLSearchParams): (n: FakeNumber) => boolean {
  const phone = q.get('PhoneNumber')?.replace(/^ /, '+');
  const pattern = phone ? new RegExp(phone.replace(/[^\d*+]/g, '').replace(/\+/g, '\\+').replace(/\*/g, '\\d')) : null;
  const friendly = q.get('FriendlyName');
  const origin = q.get('Origin');
  return (n) => (!pattern || pattern.test(n.phoneNumber)) && (!friendly || n.friendlyName === friendly) && (!origin || origin === 'twilio');
}

export function accountResource(a: FakeAccount) {
  const base = `/2010-04-01/Accounts/${a.sid}`;
  return {
    auth_token: a.authToken,
    date_created: rfc2822(a.dateCreated),
    date_updated: rfc2822(a.dateCreated),
    friendly_name: a.friendlyName,
    owner_account_sid: a.parentSid ?? a.sid,
    sid: a.sid,
    status: a.status,
    subresource_uris: Object.fromEntries(Object.entries(SUBRESOURCES).map(([k, path]) => [k, `${base}/${path}.json`])),
    type: a.type,
    uri: `${base}.json`,
  };
}

export function incomingNumberResource(a: FakeAccount, n: FakeNumber) {
  const uri = `/2010-04-01/Accounts/${a.sid}/IncomingPhoneNumbers/${n.sid}.json`;
  return {
    account_sid: a.sid,
    address_requirements: 'none',
    address_sid: null,
    api_version: '2010-04-01',
    beta: false,
    capabilities: n.capabilities,
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateCreated),
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Inactive',
    friendly_name: n.friendlyName,
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: 'POST',
    sms_fallback_url: '',
    sms_method: 'POST',
    sms_url: '',
    status_callback: '',
    status_callback_method: 'POST',
    trunk_sid: null,
    uri,
    voice_application_sid: '',
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: 'POST',
    voice_receive_mode: 'voice',
    voice_url: null,
    bundle_sid: null,
    status: 'in-use',
    type: n.phoneNumber.startsWith('+1') ? 'local' : 'mobile',
    subresource_uris: { assigned_add_ons: uri.replace(/\.json$/, '/AssignedAddOns.json') },
  };
}
