/**
 * What the fake remembers between requests: its switches, the message log (sent through it and received by it),
 * the requests it answered, and who is waiting for a message. The HTTP routes, the callback scheduler, the
 * inbound receiver and the TwilioFake handle all read and change this one object.
 */
import type { FakeConfig, FakeMessage, TwilioFake } from './types.ts';

export const DEFAULT_CONFIG: FakeConfig = {
  lifecycle: [
    { status: 'queued', afterMs: 5 },
    { status: 'sent', afterMs: 40 },
    { status: 'delivered', afterMs: 120 },
    { status: 'read', afterMs: 300 },
  ],
  outOfOrder: false,
  duplicateCallbacks: false,
  failures: {},
  apiDelayMs: 0,
};

/** A long-running fake keeps only the most recent requests. */
const MAX_REQUESTS = 1000;

export class FakeState {
  config: FakeConfig;
  /** Stable arrays: the TwilioFake handle exposes these very instances, so they are emptied, never replaced. */
  readonly messages: FakeMessage[] = [];
  readonly requests: TwilioFake['requests'] = [];
  readonly #waiters = new Set<() => void>();

  /** `overrides`: the options' config, applied over the defaults at start and on every reset. */
  constructor(private readonly overrides: Partial<FakeConfig> = {}) {
    this.config = { ...DEFAULT_CONFIG, ...overrides };
  }

  configure(patch: Partial<FakeConfig>): void {
    this.config = { ...this.config, ...patch };
  }

  reset(): void {
    this.messages.length = 0;
    this.requests.length = 0;
    this.config = { ...DEFAULT_CONFIG, ...this.overrides };
  }

  recordRequest(request: TwilioFake['requests'][number]): void {
    this.requests.push(request);
    if (this.requests.length > MAX_REQUESTS) this.requests.splice(0, this.requests.length - MAX_REQUESTS);
  }

  /** A message was sent or received, a callback answered or a webhook attempted: waiters check again. */
  notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  waitFor(predicate: (m: FakeMessage) => boolean, opts: { callbacks?: number; timeoutMs?: number } = {}): Promise<FakeMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.messages.find(predicate);
        if (m && m.callbacks.filter((c) => c.responseStatus !== null || c.error).length >= (opts.callbacks ?? 0)) {
          this.#waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error('twilio fake: no matching message in time'));
      }, opts.timeoutMs ?? 10_000);
      this.#waiters.add(check);
      check();
    });
  }
}
