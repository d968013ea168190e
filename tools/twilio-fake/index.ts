/**
 * A local fake of the parts of Twilio's REST API Switchboard uses, for development and tests (never production).
 * It holds several accounts (the default, demo one and any a test adds), each with its Auth Token, API keys,
 * numbers, WhatsApp senders, Messaging Services and Content templates, and answers for each as Twilio does:
 *
 *   GET  /2010-04-01/Accounts/{AC}.json                      the account
 *   GET  /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json its numbers (PhoneNumber filter, paged)
 *   POST /2010-04-01/Accounts/{AC}/Messages.json             send; answers like Twilio (201, snake_case JSON), and
 *        refuses a sender, Messaging Service or template of another account with Twilio's codes
 *   GET  /2010-04-01/Accounts/{AC}/Messages.json             the account's message log, sent and received: To, From,
 *        DateSent, DateSent<, DateSent> (by GMT day), newest first, paged
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}.json       fetch
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}/Media.json its media (`media_list`); …/Media/{ME}.json one item
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}/Media/{ME} (Basic auth, as Twilio requires) a 307 to a short-lived
 *        unauthenticated CDN URL, as Twilio answers, which serves the media (a small PNG for images)
 *   GET  messaging.twilio.com /v1/Services/{MG}[/PhoneNumbers|/ChannelSenders], /v2/Channels/Senders
 *   POST messaging.twilio.com /v2/Indicators/Typing.json     WhatsApp typing indicator
 *   GET  content.twilio.com /v1/ContentAndApprovals, /v1/Content/{HX}[/ApprovalRequests]
 *
 * Credentials are `AccountSid:AuthToken` or `ApiKeySid:ApiKeySecret`; anything else is Twilio's 401 20003.
 * After a send it posts status callbacks (queued → sent → delivered → read), signed with the sending account's
 * token, to the message's StatusCallback, with switches for delays, out-of-order and duplicate callbacks, and
 * error codes (at create, like 21211, or later in a callback, like 63016). twilio-node reaches it through its
 * `httpClient` option (client.ts here, lib/twilio/senders.ts in the app); the app never knows.
 *
 * It also receives messages as Twilio does (`fake.inbound(…)`, or POST /__fake/inbound from another process): the
 * message enters the log first, then its signed webhook goes to the primary URL, honouring connection overrides
 * in its fragment (retries within tt ≤ 15 s), then once to the fallback URL; the call resolves with a report of
 * every attempt. So a test can take the app down, let messages arrive, and check what a sweep of the log finds.
 *
 * The pieces: server.ts (routing), auth.ts (credentials), accounts.ts (what each account holds; demo.ts the demo
 * account's), account.ts, messages.ts + sending.ts + history.ts, messaging.ts, content.ts (the resources),
 * paging.ts, media.ts, callbacks.ts (status callbacks), inbound.ts + delivery.ts (received messages and their
 * webhooks), controls.ts (the fake's own endpoints), state.ts (messages, requests, switches), types.ts;
 * webhooks.ts signs and builds what Twilio sends.
 */
import type { AddressInfo } from 'node:net';
import { Directory } from './accounts.ts';
import { CallbackScheduler } from './callbacks.ts';
import { demoAccount } from './demo.ts';
import { inboundReceiver } from './inbound.ts';
import { mediaUrl } from './media.ts';
import { createFakeServer } from './server.ts';
import { FakeState } from './state.ts';
import type { TwilioFake, TwilioFakeOptions } from './types.ts';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from './webhooks.ts';

export type {
  CallbackStatus,
  FakeAccount,
  FakeAccountInit,
  FakeApiKey,
  FakeApiKeyInit,
  FakeApprovalStatus,
  FakeConfig,
  FakeFailure,
  FakeMedia,
  FakeMessage,
  FakeNumber,
  FakeNumberInit,
  FakeService,
  FakeServiceInit,
  FakeTemplate,
  FakeTemplateInit,
  InboundAttempt,
  InboundDelivery,
  InboundInit,
  TwilioFake,
  TwilioFakeOptions,
} from './types.ts';
export { SANDBOX_NUMBER } from './accounts.ts';
export { DEMO_API_KEY_SECRET, DEMO_API_KEY_SID, DEMO_MESSAGING_SERVICE_SID, DEMO_NUMBERS, DEMO_TEMPLATES, demoTemplateSid } from './demo.ts';
export { FakeRequestClient, fakeTwilioClient } from './client.ts';

export async function startTwilioFake(options: TwilioFakeOptions = {}): Promise<TwilioFake> {
  const accountSid = options.accountSid ?? DEMO_ACCOUNT_SID;
  const authToken = options.authToken ?? DEMO_AUTH_TOKEN;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const state = new FakeState(options.config);
  const directory = new Directory(() => [demoAccount(accountSid, authToken), ...(options.accounts ?? [])]);
  const authTokenOf = (sid: string) => directory.get(sid)?.authToken ?? authToken;
  const callbacks = new CallbackScheduler({ state, authTokenOf, deliverCallback: options.deliverCallback, log });
  const publicUrl = () => `http://${host}:${(server.address() as AddressInfo).port}`;
  const inbound = inboundReceiver({ state, directory, defaultAccountSid: accountSid, publicUrl, transport: options.deliverInbound, log });
  const server = createFakeServer({ state, directory, callbacks, publicUrl, inbound, log });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const url = publicUrl();
  return {
    url,
    port: (server.address() as AddressInfo).port,
    accountSid,
    authToken,
    messages: state.messages,
    requests: state.requests,
    configure: (patch) => state.configure(patch),
    reset: () => state.reset(),
    waitFor: (predicate, opts) => state.waitFor(predicate, opts),
    inbound,
    mediaUrl: (messageSid, mediaAccountSid = accountSid) => mediaUrl(url, mediaAccountSid, messageSid),
    account: (sid = accountSid) => directory.get(sid),
    addAccount: (init) => directory.addAccount(init),
    addApiKey: (sid, init) => directory.addApiKey(sid, init),
    addNumber: (sid, init) => directory.addNumber(sid, init),
    addMessagingService: (sid, init) => directory.addService(sid, init),
    addTemplate: (sid, init) => directory.addTemplate(sid, init),
    resetAccounts: () => directory.reset(),
    close: () =>
      new Promise<void>((resolve) => {
        callbacks.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
