/**
 * twilio-node pointed at the fake, for tests: every request to https://{api,content,messaging,…}.twilio.com (any
 * region or edge) goes to the fake's origin instead, path and query kept, as lib/twilio/senders.ts does for the app.
 * Pages' next_page_uri / next_page_url name Twilio's hosts, so paging goes through the same rewrite.
 */
import twilio from 'twilio';

export class FakeRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 10_000 });
  }

  override request<T>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[a-z0-9.-]+\.twilio\.com/i, this.baseUrl.replace(/\/+$/, '')) } as never);
  }
}

export type FakeCredentials = { accountSid: string } & ({ authToken: string } | { apiKeySid: string; apiKeySecret: string });

/** A twilio-node client for one account of the fake at `baseUrl`, with its Auth Token or one of its API keys. */
export function fakeTwilioClient(baseUrl: string, creds: FakeCredentials): twilio.Twilio {
  const [username, password] = 'apiKeySid' in creds ? [creds.apiKeySid, creds.apiKeySecret] : [creds.accountSid, creds.authToken];
  return twilio(username, password, { accountSid: creds.accountSid, httpClient: new FakeRequestClient(baseUrl) });
}
