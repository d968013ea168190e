/**
 * The Twilio fake's public shapes: its switches (FakeConfig), the messages it records (FakeMessage), how it is
 * started (TwilioFakeOptions) and what a test holds (TwilioFake). index.ts re-exports them.
 */

export type CallbackStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

export interface FakeConfig {
  /** Statuses posted after a successful send, in order, with their delay after the send (ms). */
  lifecycle: Array<{ status: CallbackStatus; afterMs: number }>;
  /** Post the callbacks in reverse order (Twilio does not promise any order). */
  outOfOrder: boolean;
  /** Post every callback twice. */
  duplicateCallbacks: boolean;
  /**
   * Failures by recipient (`whatsapp:+…` or `*`): at `create` the API answers 400 with the code; at `callback`
   * the send is accepted and then fails (`failed`, or `undelivered` with `status`) with the code.
   */
  failures: Record<string, FakeFailure>;
  /** Extra latency of every API answer (ms). */
  apiDelayMs: number;
}

export interface FakeFailure {
  code: number;
  stage: 'create' | 'callback';
  status?: 'failed' | 'undelivered';
}

export interface FakeMessage {
  sid: string;
  account_sid: string;
  from: string;
  to: string;
  body: string | null;
  content_sid: string | null;
  content_variables: string | null;
  media_url: string[];
  status: CallbackStatus;
  status_callback: string | null;
  error_code: number | null;
  date_created: string;
  callbacks: Array<{ status: CallbackStatus; responseStatus: number | null; error?: string }>;
}

export interface TwilioFakeOptions {
  port?: number;
  host?: string;
  accountSid?: string;
  authToken?: string;
  config?: Partial<FakeConfig>;
  /** Deliver status callbacks by calling this instead of POSTing them (route tests without a server). */
  deliverCallback?: (url: string, params: Record<string, string>, headers: Record<string, string>) => Promise<number>;
  log?: (line: string) => void;
}

export interface TwilioFake {
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  messages: FakeMessage[];
  /** Every request the fake answered, in order: what the app fetched, and whether it sent the credentials. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  configure(patch: Partial<FakeConfig>): void;
  reset(): void;
  /** Resolves when a message matching `predicate` has been sent (and, with `callbacks`, that many callbacks posted). */
  waitFor(predicate: (m: FakeMessage) => boolean, opts?: { callbacks?: number; timeoutMs?: number }): Promise<FakeMessage>;
  /** A media URL the fake serves, as Twilio would put it in an inbound webhook. */
  mediaUrl(messageSid?: string): string;
  close(): Promise<void>;
}
