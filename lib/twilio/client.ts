import 'server-only';
import twilio from 'twilio';
import { AppError } from '@/lib/errors';
import { serverEnv } from '@/lib/env';

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

let client: twilio.Twilio | undefined;

/** twilio-node for the configured account (one instance: it holds no per-request state). */
export function createTwilioClient(): twilio.Twilio {
  if (!client) {
    const env = serverEnv();
    if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) {
      throw new AppError('twilio_not_configured', 'Sending is not configured on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).', 503);
    }
    client = twilio(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, {
      timeout: 10_000,
      ...(env.TWILIO_API_BASE_URL ? { httpClient: new LocalRequestClient(env.TWILIO_API_BASE_URL) } : {}),
    });
  }
  return client;
}

/** Where media and API URLs may be fetched from with the account's credentials. */
export function twilioApiOrigins(): string[] {
  const env = serverEnv();
  return env.TWILIO_API_BASE_URL ? [new URL(env.TWILIO_API_BASE_URL).origin] : ['https://api.twilio.com'];
}
