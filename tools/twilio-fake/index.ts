/**
 * A local fake of the parts of Twilio's REST API Switchboard uses, for development and tests (never production):
 *
 *   POST /2010-04-01/Accounts/{AC}/Messages.json            send; answers like Twilio (201, snake_case JSON)
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}.json      fetch
 *   GET  /2010-04-01/Accounts/{AC}/Messages/{SID}/Media/{ME} (Basic auth, as Twilio requires) a 307 to a short-lived
 *        unauthenticated CDN URL, as Twilio answers, which serves a small PNG
 *   POST /v2/Indicators/Typing.json                          WhatsApp typing indicator
 *
 * After a send it posts signed status callbacks (queued → sent → delivered → read) to the message's
 * StatusCallback, with switches for delays, out-of-order and duplicate callbacks, and error codes (at create,
 * like 21211, or later in a callback, like 63016). twilio-node reaches it through its `httpClient` option
 * (lib/twilio/client.ts); the app never knows.
 *
 * The pieces: server.ts (routing), messages.ts (the Messages resource), media.ts, callbacks.ts (status
 * callbacks), state.ts (what it remembers), types.ts; webhooks.ts signs and builds what Twilio sends.
 */
import type { AddressInfo } from 'node:net';
import { CallbackScheduler } from './callbacks.ts';
import { mediaUrl } from './media.ts';
import { createFakeServer } from './server.ts';
import { FakeState } from './state.ts';
import type { TwilioFake, TwilioFakeOptions } from './types.ts';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from './webhooks.ts';

export type { CallbackStatus, FakeConfig, FakeFailure, FakeMessage, TwilioFake, TwilioFakeOptions } from './types.ts';

export async function startTwilioFake(options: TwilioFakeOptions = {}): Promise<TwilioFake> {
  const accountSid = options.accountSid ?? DEMO_ACCOUNT_SID;
  const authToken = options.authToken ?? DEMO_AUTH_TOKEN;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const state = new FakeState(options.config);
  const callbacks = new CallbackScheduler({ state, accountSid, authToken, deliverCallback: options.deliverCallback, log });
  const publicUrl = () => `http://${host}:${(server.address() as AddressInfo).port}`;
  const server = createFakeServer({ state, callbacks, accountSid, authToken, publicUrl, log });

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
    mediaUrl: (messageSid) => mediaUrl(url, accountSid, messageSid),
    close: () =>
      new Promise<void>((resolve) => {
        callbacks.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
