import 'server-only';
import twilio from 'twilio';
import { AppError, toAppError } from '@/lib/errors';
import { serverEnv } from '@/lib/env';
import { createAdminClient } from '@/lib/supabase/admin';

/** A workspace's WhatsApp sender with its decrypted credentials. Server only: never serialise it to a client. */
export interface SenderCredentials {
  senderId: string;
  distributorId: string;
  whatsappNumber: string;
  messagingServiceSid: string | null;
  accountSid: string;
  /** Verifies the account's webhooks (Twilio signs them with it) and, without an API key, authenticates calls. */
  authToken: string;
  apiKeySid: string | null;
  apiKeySecret: string | null;
}

interface CredentialRow {
  sender_id: string;
  distributor_id: string;
  whatsapp_number: string;
  messaging_service_sid: string | null;
  account_sid: string;
  auth_token: string | null;
  api_key_sid: string | null;
  api_key_secret: string | null;
}

function fromRow(row: CredentialRow | undefined): SenderCredentials | null {
  if (!row?.auth_token) return null;
  return {
    senderId: row.sender_id,
    distributorId: row.distributor_id,
    whatsappNumber: row.whatsapp_number,
    messagingServiceSid: row.messaging_service_sid,
    accountSid: row.account_sid,
    authToken: row.auth_token,
    apiKeySid: row.api_key_sid,
    apiKeySecret: row.api_key_secret,
  };
}

// Webhooks for one sender arrive in bursts: its credentials are kept for a few seconds instead of being decrypted
// for every request. Only found senders are kept (a sender just added answers at once), and saving a sender on
// this server drops its entry; another server sees a changed token after at most CACHE_MS.
const CACHE_MS = 10_000;
const cache = new Map<string, { at: number; value: SenderCredentials }>();

/** The sender a webhook is addressed to (`number` on `accountSid`), or null when no sender with credentials is. */
export async function webhookSender(number: string, accountSid: string): Promise<SenderCredentials | null> {
  const key = `${accountSid}|${number}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const { data, error } = await createAdminClient().rpc('webhook_sender', { p_number: number, p_account_sid: accountSid });
  if (error) throw toAppError(error, 'sender_lookup_failed');
  const value = fromRow((data as CredentialRow[] | null)?.[0]);
  if (value) {
    if (cache.size > 500) cache.clear();
    cache.set(key, { at: Date.now(), value });
  } else cache.delete(key);
  return value;
}

/** A sender's credentials by id (for a send or a media download), or a 503 when it has none yet. */
export async function senderCredentials(senderId: string): Promise<SenderCredentials> {
  const { data, error } = await createAdminClient().rpc('whatsapp_sender_credentials', { p_sender_id: senderId });
  if (error) throw toAppError(error, 'sender_lookup_failed');
  const value = fromRow((data as CredentialRow[] | null)?.[0]);
  if (!value) throw new AppError('sender_not_configured', 'This WhatsApp sender has no Twilio credentials yet: an admin adds them on the senders page.', 503);
  return value;
}

/** Forgets what this server cached for a sender (after its credentials changed). */
export function forgetSender(accountSid: string | null, number: string) {
  if (accountSid) cache.delete(`${accountSid}|${number}`);
}

/**
 * Sends every request of twilio-node to a local fake of Twilio's REST API (tools/twilio-fake) instead of
 * *.twilio.com. Used only when TWILIO_API_BASE_URL is set; twilio-node has no base-URL setting of its own.
 */
class LocalRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 10_000 });
  }

  override request<T>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[a-z0-9.-]+\.twilio\.com/i, this.baseUrl.replace(/\/+$/, '')) } as never);
  }
}

let localHttp: LocalRequestClient | undefined;

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  apiKeySid?: string | null;
  apiKeySecret?: string | null;
}

/** twilio-node for one account: with its API key when it has one, else with its Auth Token. */
export function twilioClientFor(creds: TwilioCredentials): twilio.Twilio {
  const env = serverEnv();
  if (env.TWILIO_API_BASE_URL) localHttp ??= new LocalRequestClient(env.TWILIO_API_BASE_URL);
  const useKey = creds.apiKeySid && creds.apiKeySecret;
  return twilio(useKey ? creds.apiKeySid! : creds.accountSid, useKey ? creds.apiKeySecret! : creds.authToken, {
    accountSid: creds.accountSid,
    timeout: 10_000,
    ...(localHttp ? { httpClient: localHttp } : {}),
  });
}

/** The Basic authorization of an account's REST calls (media downloads), with its API key when it has one. */
export function basicAuthFor(creds: TwilioCredentials): string {
  const useKey = creds.apiKeySid && creds.apiKeySecret;
  const pair = useKey ? `${creds.apiKeySid}:${creds.apiKeySecret}` : `${creds.accountSid}:${creds.authToken}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

/** Where media and API URLs may be fetched from with an account's credentials. */
export function twilioApiOrigins(): string[] {
  const env = serverEnv();
  return env.TWILIO_API_BASE_URL ? [new URL(env.TWILIO_API_BASE_URL).origin] : ['https://api.twilio.com'];
}
