/**
 * The Check of a workspace's WhatsApp sender: asks Twilio's REST API whether the sender's credentials and number
 * work the way the app will use them, and answers with one readable result for the senders page. Server only: it
 * handles the Auth Token and the API key secret, and no message it returns contains either.
 *
 * In order, stopping at the first failure:
 *   1. the shapes (AC / SK / MG + 32 lowercase hex, an E.164 number); a malformed one is never sent to Twilio;
 *   2. the Auth Token: the Account fetched with AccountSid:AuthToken even when an API key is given, because the inbox
 *      verifies Twilio's webhook signatures with that token, and it must be the primary token, the one Twilio signs
 *      with (a secondary token opens the API too);
 *   3. the API key, if given: the account's numbers listed with it (a Standard key may not fetch the Account itself);
 *   4. the Messaging Service, if given: it exists on this account. It comes before the number because the number
 *      may be found only among its senders;
 *   5. the number: one of the account's phone numbers, a channel sender of the Messaging Service, one of the
 *      account's WhatsApp senders (a sender on the customer's own number is in no number list), or the Sandbox.
 * A refused connection, a timeout, a 429 or a 5xx is `network`: it says nothing about the credentials.
 */
import 'server-only';
import { twilioErrorText } from './error-codes';
import { twilioClientFor } from './senders';

export interface SenderCheckInput {
  /** AC + 32 hex */
  accountSid: string;
  /** Always required: Twilio signs the account's webhooks with it. */
  authToken: string;
  /** SK + 32 hex; when given, REST calls authenticate with the key. */
  apiKeySid?: string | null;
  apiKeySecret?: string | null;
  /** E.164, without the `whatsapp:` prefix */
  whatsappNumber: string;
  /** MG + 32 hex */
  messagingServiceSid?: string | null;
}

export type SenderCheckField = 'account' | 'auth_token' | 'api_key' | 'number' | 'messaging_service' | 'network';
export type SenderCheckFailure = { ok: false; field: SenderCheckField; message: string; twilioCode?: number };
export type SenderCheckResult = { ok: true; message: string; friendlyName?: string } | SenderCheckFailure;

/** Twilio's WhatsApp Sandbox: a number of Twilio's own, shared by every account and listed in none. */
export const WHATSAPP_SANDBOX_NUMBER = '+14155238886';

const sidOf = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
const ACCOUNT_SID = sidOf('AC');
const API_KEY_SID = sidOf('SK');
const SERVICE_SID = sidOf('MG');
const E164 = /^\+[1-9]\d{6,14}$/;

/** The input with its optional parts given or null: a form sends '' for a field left empty. */
interface Sender {
  accountSid: string;
  authToken: string;
  apiKeySid: string | null;
  apiKeySecret: string | null;
  number: string;
  serviceSid: string | null;
}

type Client = ReturnType<typeof twilioClientFor>;
type Service = Awaited<ReturnType<ReturnType<Client['messaging']['v1']['services']>['fetch']>>;

export async function checkSender(input: SenderCheckInput): Promise<SenderCheckResult> {
  const sender: Sender = {
    accountSid: input.accountSid,
    authToken: input.authToken,
    apiKeySid: input.apiKeySid || null,
    apiKeySecret: input.apiKeySecret || null,
    number: input.whatsappNumber,
    serviceSid: input.messagingServiceSid || null,
  };
  const secrets = [sender.authToken, sender.apiKeySecret];
  const problem = shapeProblem(sender);
  if (problem) return problem;
  try {
    return scrub(await verify(sender), secrets);
  } catch (e) {
    if (e instanceof Stop) return scrub(e.failure, secrets);
    throw e;
  }
}

function fail(field: SenderCheckField, message: string, twilioCode?: number): SenderCheckFailure {
  return { ok: false, field, message, ...(twilioCode === undefined ? {} : { twilioCode }) };
}

/** What is wrong with the shapes; the messages never repeat what was typed, which may be a secret in the wrong box. */
function shapeProblem(s: Sender): SenderCheckFailure | null {
  if (!ACCOUNT_SID.test(s.accountSid)) {
    return fail('account', 'The Account SID is AC followed by 32 lowercase hex characters (34 in all): copy it from the Twilio Console.');
  }
  if (!s.authToken) return fail('auth_token', 'Enter the account\u2019s Auth Token: Twilio signs its webhooks with it.');
  if (/\s/.test(s.authToken)) return fail('auth_token', 'The Auth Token contains spaces: copy it again from the Twilio Console.');
  if ((s.apiKeySid || s.apiKeySecret) && !(s.apiKeySid && s.apiKeySecret)) {
    return fail('api_key', 'An API key needs both its SID and its secret; leave both empty to use the Auth Token.');
  }
  if (s.apiKeySid && !API_KEY_SID.test(s.apiKeySid)) {
    return fail('api_key', 'The API key SID is SK followed by 32 lowercase hex characters (34 in all).');
  }
  if (s.number.startsWith('whatsapp:')) return fail('number', 'Enter the number without \u201cwhatsapp:\u201d, like +14155550100.');
  if (!E164.test(s.number)) {
    return fail('number', 'The WhatsApp number must be in E.164 form: +, the country code and the number, without spaces (like +14155550100).');
  }
  if (s.serviceSid && !SERVICE_SID.test(s.serviceSid)) {
    return fail('messaging_service', 'The Messaging Service SID is MG followed by 32 lowercase hex characters (34 in all); or leave it empty.');
  }
  return null;
}

async function verify(s: Sender): Promise<SenderCheckResult> {
  const withToken = twilioClientFor({ accountSid: s.accountSid, authToken: s.authToken });
  const account = await ask('token', s, s.accountSid, () => withToken.api.v2010.accounts(s.accountSid).fetch());
  const name = account.friendlyName || s.accountSid;
  if (account.authToken && account.authToken !== s.authToken) {
    return fail(
      'auth_token',
      `This Auth Token opens account \u201c${name}\u201d but is not its primary Auth Token, the one Twilio signs webhooks with, so ` +
        'incoming messages would be refused. Enter the primary Auth Token from the Twilio Console.',
    );
  }
  const client = s.apiKeySid ? twilioClientFor(s) : withToken;
  // PhoneNumber matches partial numbers too, so only an exact match counts below
  const numbers = await ask('rest', s, name, () => client.incomingPhoneNumbers.list({ phoneNumber: s.number, limit: 20 }));
  const service = s.serviceSid ? await ask('service', s, name, () => client.messaging.v1.services(s.serviceSid!).fetch()) : null;

  if (s.number === WHATSAPP_SANDBOX_NUMBER) {
    return {
      ok: true,
      friendlyName: account.friendlyName,
      message:
        `Connected to the Twilio WhatsApp Sandbox (${WHATSAPP_SANDBOX_NUMBER}) on account \u201c${name}\u201d. It is a shared test number: ` +
        'only customers who have joined your Sandbox (by sending it your join code on WhatsApp) can message with you, ' +
        'and they must join again after three days.',
    };
  }
  const found =
    numbers.some((n) => n.phoneNumber === s.number) ||
    (service !== null && (await inServiceSenders(client, s, name, service))) ||
    (await amongWhatsAppSenders(client, s, name));
  if (!found) {
    const where = service ? `, nor a sender of Messaging Service \u201c${service.friendlyName}\u201d` : '';
    return fail(
      'number',
      `${s.number} is not a number of account \u201c${name}\u201d (${s.accountSid}): it is neither among the account\u2019s phone numbers ` +
        `nor its WhatsApp senders${where}. Check the number, or enter the credentials of the account that holds it.`,
    );
  }
  const through = service ? `, through Messaging Service \u201c${service.friendlyName}\u201d` : '';
  return { ok: true, friendlyName: account.friendlyName, message: `Connected: ${s.number} on account \u201c${name}\u201d${through}.` };
}

/**
 * Whether the number is one of the service's channel senders (`whatsapp:+…`). Its PhoneNumbers pool is not asked:
 * a pool only holds the account's own phone numbers (added by their PN sid), which the number list already showed.
 */
async function inServiceSenders(client: Client, s: Sender, name: string, service: Service): Promise<boolean> {
  const senders = await ask('service', s, name, () => client.messaging.v1.services(service.sid).channelSenders.list());
  return senders.some((x) => x.sender === `whatsapp:${s.number}`);
}

/**
 * Whether the number is one of the account's WhatsApp senders (Senders API). The API is in Public Beta, so a refusal
 * of it means "not found there" rather than a failure of the credentials, which were already accepted.
 */
async function amongWhatsAppSenders(client: Client, s: Sender, name: string): Promise<boolean> {
  try {
    const senders = await client.messaging.v2.channelsSenders.list({ channel: 'whatsapp' });
    return senders.some((x) => x.senderId === `whatsapp:${s.number}`);
  } catch (e) {
    const refusal = refusalOf(e);
    if (refusal && refusal.status < 500 && refusal.status !== 429) return false;
    throw stopOrRethrow(e, 'rest', s, name);
  }
}

/** Ends the check from inside a step with the failure it met. */
class Stop {
  constructor(readonly failure: SenderCheckFailure) {}
}

/** Which request failed: the Account with the token, a list with the REST credentials, or the Messaging Service. */
type Step = 'token' | 'rest' | 'service';

async function ask<T>(step: Step, s: Sender, name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw stopOrRethrow(e, step, s, name);
  }
}

/** A Stop for a failure of Twilio or of the connection; anything else (a bug) is thrown on as it is. */
function stopOrRethrow(e: unknown, step: Step, s: Sender, name: string): Stop {
  const reason = unreachable(e);
  if (reason) return new Stop(fail('network', `Could not reach Twilio: ${reason}. Check this server\u2019s internet connection and try again.`));
  const refusal = refusalOf(e);
  if (!refusal) throw e;
  if (refusal.status >= 500) {
    return new Stop(fail('network', `Could not reach Twilio: it answered with an error (HTTP ${refusal.status}). Try the check again in a few minutes.`, refusal.code));
  }
  if (refusal.status === 429) return new Stop(fail('network', twilioErrorText(refusal.code ?? 20429)!, refusal.code));
  return new Stop(refused(step, s, name, refusal));
}

/** A Twilio answer that was not a success, as twilio-node throws it (RestException, TwilioServiceException). */
interface Refusal {
  status: number;
  code?: number;
  message?: string;
}

function refusalOf(e: unknown): Refusal | null {
  if (typeof e !== 'object' || e === null) return null;
  const { status, code, message } = e as Record<string, unknown>;
  if (typeof status !== 'number') return null;
  return { status, code: typeof code === 'number' ? code : undefined, message: typeof message === 'string' ? message : undefined };
}

/** Why no answer came, for an error of the connection (axios's, through twilio-node, has a string code); else null. */
function unreachable(e: unknown): string | null {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return null;
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return 'it did not answer in time';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its address could not be looked up';
  return 'the connection failed';
}

const TOKEN_REFUSED =
  'Twilio did not accept this Account SID and Auth Token. Copy both again from the Twilio Console (once a token is rotated, the old one stops working).';

/** Twilio's 4xx, read for the step it answered. Twilio says 401 for every wrong credential, without saying which part. */
function refused(step: Step, s: Sender, name: string, r: Refusal): SenderCheckFailure {
  const detail = twilioErrorText(r.code, r.message) ?? `HTTP ${r.status}.`;
  if (step === 'token') {
    if (r.status === 401) return fail('auth_token', TOKEN_REFUSED, r.code);
    if (r.status === 404) return fail('account', `Twilio has no account ${s.accountSid}.`, r.code);
    if (r.status === 403) return fail('account', `Twilio refused account ${s.accountSid}: it may be suspended or closed.`, r.code);
    return fail('auth_token', `Twilio refused the Auth Token check: ${detail}`, r.code);
  }
  if (r.status === 401) {
    if (!s.apiKeySid) return fail('auth_token', TOKEN_REFUSED, r.code);
    return fail(
      'api_key',
      `Twilio did not accept API key ${s.apiKeySid} with this secret for account \u201c${name}\u201d: the secret is wrong, the key was deleted, ` +
        'or it belongs to another account.',
      r.code,
    );
  }
  if (r.status === 403 && s.apiKeySid) {
    return fail('api_key', `API key ${s.apiKeySid} may not read this account\u2019s numbers or Messaging Services: a Restricted key lacks that permission; use a Standard key.`, r.code);
  }
  if (step === 'service' && r.status === 404) {
    return fail('messaging_service', `Account \u201c${name}\u201d has no Messaging Service ${s.serviceSid}: check the SID, or leave it empty.`, r.code);
  }
  return fail(step === 'service' ? 'messaging_service' : 'number', `Twilio refused the check: ${detail}`, r.code);
}

/**
 * Drops the secrets from a message, whatever put them there (an error text of Twilio's that echoes its input, a
 * friendly name). Only secrets of 8 characters and more: Twilio's are 32, and a shorter one would garble the text.
 */
function scrub<T extends SenderCheckResult>(result: T, secrets: Array<string | null>): T {
  let message = result.message;
  for (const secret of secrets) if (secret && secret.length >= 8) message = message.split(secret).join('\u2026');
  return { ...result, message };
}
