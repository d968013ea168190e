/**
 * Status callbacks after a send, as Twilio posts them: signed form posts to the message's StatusCallback
 * (queued → sent → delivered → read by default), or the failure the config asks for, in or out of order,
 * once or twice, each signed with the Auth Token of the account that sent the message. Each post is recorded on
 * the message with the app's answer. The message's status (and date_sent) change as the post goes out, whatever
 * the app answers: a callback the app missed leaves the final status in the log, for a sweep to find.
 */
import { rfc2822 } from './paging.ts';
import type { FakeState } from './state.ts';
import type { CallbackStatus, FakeFailure, FakeMessage, TwilioFakeOptions } from './types.ts';
import { signature } from './webhooks.ts';

export interface CallbackContext {
  state: FakeState;
  /** The Auth Token of an account, which signs its callbacks. */
  authTokenOf: (accountSid: string) => string;
  deliverCallback: TwilioFakeOptions['deliverCallback'];
  log: (line: string) => void;
}

const LEFT_TWILIO = new Set<CallbackStatus>(['sent', 'delivered', 'read', 'undelivered']);

/** How far along a message is: its log shows the furthest status reached, whatever order the callbacks go out in. */
const PROGRESS: Record<CallbackStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, undelivered: 3, read: 4, failed: 5 };

export class CallbackScheduler {
  readonly #timers = new Set<NodeJS.Timeout>();
  constructor(private readonly ctx: CallbackContext) {}

  /** Plans the message's callbacks from the current config; a message without a StatusCallback gets none. */
  schedule(message: FakeMessage, failure: FakeFailure | undefined): void {
    if (!message.status_callback) return;
    const { config } = this.ctx.state;
    let plan = config.lifecycle.map((s) => ({ ...s }));
    if (failure?.stage === 'callback') {
      const failAt = plan.find((s) => s.status === 'sent')?.afterMs ?? 40;
      plan = [...plan.filter((s) => s.status === 'queued'), { status: failure.status ?? 'failed', afterMs: failAt }];
    }
    if (config.outOfOrder) {
      const delays = plan.map((s) => s.afterMs);
      plan = plan.reverse().map((s, i) => ({ ...s, afterMs: delays[i]! }));
    }
    const sends = config.duplicateCallbacks ? plan.flatMap((s) => [s, { ...s, afterMs: s.afterMs + 5 }]) : plan;
    for (const step of sends) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.post(message, step.status, failure && (step.status === 'failed' || step.status === 'undelivered') ? failure.code : null);
      }, step.afterMs);
      this.#timers.add(timer);
    }
  }

  /** Drops every callback not posted yet (the fake is closing). */
  cancelAll(): void {
    for (const t of this.#timers) clearTimeout(t);
  }

  private async post(message: FakeMessage, status: CallbackStatus, errorCode: number | null): Promise<void> {
    const { authTokenOf, deliverCallback, log, state } = this.ctx;
    const url = message.status_callback!;
    // callbacks may go out of order or twice (outOfOrder, duplicateCallbacks); the message itself only moves forward,
    // as Twilio's log does
    if (PROGRESS[status] > PROGRESS[message.status as CallbackStatus] || !(message.status in PROGRESS)) message.status = status;
    // the message left Twilio: its date_sent is set once, by whichever of these comes first (in or out of order)
    if (!message.date_sent && LEFT_TWILIO.has(status)) message.date_sent = rfc2822(new Date());
    if (errorCode) message.error_code = errorCode;
    const params = callbackParams(message.account_sid, message, status, errorCode);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature(authTokenOf(message.account_sid), url, params),
      'user-agent': 'TwilioProxy/1.1',
    };
    const entry: FakeMessage['callbacks'][number] = { status, responseStatus: null };
    message.callbacks.push(entry);
    try {
      entry.responseStatus = deliverCallback
        ? await deliverCallback(url, params, headers)
        : (await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString(), signal: AbortSignal.timeout(15_000) })).status;
    } catch (e) {
      entry.error = (e as Error).message;
    }
    log(`callback ${message.sid} ${status} → ${entry.responseStatus ?? entry.error}`);
    state.notify();
  }
}

/** The form parameters of one status callback, as Twilio sends them for WhatsApp. */
export function callbackParams(accountSid: string, message: FakeMessage, status: CallbackStatus, errorCode: number | null): Record<string, string> {
  return {
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    ChannelInstallSid: 'XE00000000000000000000000000000000',
    ChannelPrefix: 'whatsapp',
    ChannelToAddress: message.to.replace(/^whatsapp:/, ''),
    From: message.from,
    ...(message.messaging_service_sid ? { MessagingServiceSid: message.messaging_service_sid } : {}),
    MessageSid: message.sid,
    MessageStatus: status,
    SmsSid: message.sid,
    SmsStatus: status,
    To: message.to,
    ...(status === 'delivered' ? { EventType: 'DELIVERED' } : {}),
    ...(status === 'read' ? { EventType: 'READ' } : {}),
    ...(errorCode ? { ErrorCode: String(errorCode), ErrorMessage: '' } : {}),
    ...(status === 'undelivered' ? { EventType: 'UNDELIVERED' } : {}),
  };
}
