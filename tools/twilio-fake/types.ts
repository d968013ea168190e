/**
 * The Twilio fake's public shapes: its switches (FakeConfig), its message log (FakeMessage, FakeMedia), an inbound
 * message and the report of its webhook delivery (InboundInit, InboundDelivery), the accounts it knows (FakeAccount
 * and what belongs to one), how it is started (TwilioFakeOptions) and what a test holds (TwilioFake). index.ts
 * re-exports them.
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

/**
 * One message of the log, as Twilio's log has it: sent through the API (`outbound-api`) or received (`inbound`,
 * recorded before its webhook is even tried, so it is listed whether or not the app got the webhook).
 */
export interface FakeMessage {
  sid: string;
  account_sid: string;
  direction: 'inbound' | 'outbound-api';
  /** `whatsapp:+…` (or `whatsapp:` + a BSUID for an inbound sender) */
  from: string;
  to: string;
  body: string | null;
  content_sid: string | null;
  content_variables: string | null;
  messaging_service_sid: string | null;
  /** The MediaUrl a send gave (outbound only). */
  media_url: string[];
  /** The Media subresource: what an inbound message carried, or one per MediaUrl of a send. */
  media: FakeMedia[];
  num_media: number;
  /** `received` for an inbound message. */
  status: CallbackStatus | 'received';
  status_callback: string | null;
  error_code: number | null;
  /** RFC 2822, as Twilio writes it ("Thu, 30 Jul 2015 20:00:00 +0000"). */
  date_created: string;
  /** When Twilio received it (inbound) or sent it on (outbound: set by the first sent/delivered/read/undelivered). */
  date_sent: string | null;
  callbacks: Array<{ status: CallbackStatus; responseStatus: number | null; error?: string }>;
  /** Inbound only: every attempt to deliver its webhook, as they happen (primary, retries, fallback). */
  webhooks: InboundAttempt[];
}

/** A media item of a message (ME…), served as Twilio serves it (media.ts). */
export interface FakeMedia {
  sid: string;
  content_type: string;
  date_created: string;
}

/** An inbound message for the fake to receive and deliver to the app as Twilio would (inbound.ts). */
export interface InboundInit {
  /** The receiving account (default: the account holding `to`, else the default account). */
  accountSid?: string;
  /** The customer: E.164 or a BSUID, with or without `whatsapp:`. */
  from: string;
  /** The business number (E.164, with or without `whatsapp:`). */
  to: string;
  body?: string;
  profileName?: string;
  media?: Array<{ contentType: string }>;
  /** The sender's incoming-message webhook; connection overrides in its fragment (`#ct=…&rt=…&tt=…&rc=…&rp=…`). */
  url: string;
  /** Tried once when the primary fails (non-2xx, connection error, timeout). */
  fallbackUrl?: string;
  /** When Twilio received it (default: now); an earlier date makes a message the app missed while it was away. */
  dateSent?: Date | string;
}

/** One POST of an inbound webhook: its answer's status, or why there was none. */
export interface InboundAttempt {
  leg: 'primary' | 'fallback';
  /** The URL requested (the fragment is Twilio's, never sent). */
  url: string;
  status?: number;
  /** `ECONNREFUSED`, `connect timeout`, `read timeout`, `total time exceeded`, or another transport error. */
  error?: string;
  ms: number;
}

/** What came of an inbound message's webhook; a failed delivery is a report, never a thrown error. */
export interface InboundDelivery {
  sid: string;
  accountSid: string;
  delivered: boolean;
  /** Which URL answered 2xx, if one did. */
  deliveredBy: 'primary' | 'fallback' | null;
  attempts: InboundAttempt[];
  /** The form parameters posted (the same on every attempt). */
  params: Record<string, string>;
}

export interface TwilioFakeOptions {
  port?: number;
  host?: string;
  /** The default account (it owns the demo numbers, Messaging Service and templates; default: the demo one). */
  accountSid?: string;
  authToken?: string;
  /** More accounts to hold from the start (and again after resetAccounts: give them sids to keep them the same). */
  accounts?: FakeAccountInit[];
  config?: Partial<FakeConfig>;
  /** Deliver status callbacks by calling this instead of POSTing them (route tests without a server). */
  deliverCallback?: (url: string, params: Record<string, string>, headers: Record<string, string>) => Promise<number>;
  /**
   * Deliver inbound webhooks by calling this instead of POSTing them (route tests without a server): its status is
   * the answer, a throw is a connection failure, and the read timeout still bounds it.
   */
  deliverInbound?: (url: string, params: Record<string, string>, headers: Record<string, string>) => Promise<number>;
  log?: (line: string) => void;
}

export interface TwilioFake {
  url: string;
  port: number;
  /** The default account's credentials. */
  accountSid: string;
  authToken: string;
  /** The message log, oldest first: sends and received messages of every account. */
  messages: FakeMessage[];
  /** Every request the fake answered, in order: what the app fetched, and whether its credentials were good for it. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  configure(patch: Partial<FakeConfig>): void;
  /** Forgets messages and requests and restores the config; the accounts stay (resetAccounts restores those). */
  reset(): void;
  /**
   * Resolves when a message matching `predicate` is in the log (sent or received; with `callbacks`, once that many
   * status callbacks were answered). It checks again on every send, callback, inbound message and webhook attempt.
   */
  waitFor(predicate: (m: FakeMessage) => boolean, opts?: { callbacks?: number; timeoutMs?: number }): Promise<FakeMessage>;
  /**
   * Receives a message as Twilio does: records it in the log first, then POSTs its signed webhook to `url`
   * (honouring connection overrides, at most tt ≤ 15 s), then once to `fallbackUrl` if that failed.
   * Resolves with the report, whatever the app answered; rejects only on a bad call (unknown account, …).
   */
  inbound(init: InboundInit): Promise<InboundDelivery>;
  /** A media URL the fake serves, as Twilio would put it in an inbound webhook (default: the default account's). */
  mediaUrl(messageSid?: string, accountSid?: string): string;
  /** An account (default: the default one); the object is live: change it to change what the fake answers. */
  account(sid?: string): FakeAccount | undefined;
  /** Adds an account (sid and token generated when not given); throws on a sid, key, number or template already held. */
  addAccount(init?: FakeAccountInit): FakeAccount;
  addApiKey(accountSid: string, init?: FakeApiKeyInit): FakeApiKey;
  addNumber(accountSid: string, init: string | FakeNumberInit): FakeNumber;
  addMessagingService(accountSid: string, init?: FakeServiceInit): FakeService;
  addTemplate(accountSid: string, init: FakeTemplateInit): FakeTemplate;
  /** Back to the accounts the fake started with (the default one with its demo data, and the options' accounts). */
  resetAccounts(): void;
  close(): Promise<void>;
}

/** A Twilio account: its credentials and what belongs to it. */
export interface FakeAccount {
  sid: string;
  authToken: string;
  friendlyName: string;
  /** Credentials of an account that is not active are refused (401 20003), as Twilio refuses them. */
  status: 'active' | 'suspended' | 'closed';
  type: 'Full' | 'Trial';
  /** The parent of a subaccount: the parent's Auth Token reaches the subaccount's 2010-04-01 resources. */
  parentSid: string | null;
  /**
   * The demo account's compatibility mode: it may send from a number nobody holds and with a ContentSid nobody
   * holds (tests send from random numbers). A number or template another account holds is refused all the same.
   */
  lenient: boolean;
  dateCreated: Date;
  apiKeys: FakeApiKey[];
  numbers: FakeNumber[];
  services: FakeService[];
  templates: FakeTemplate[];
}

export interface FakeAccountInit {
  sid?: string;
  authToken?: string;
  friendlyName?: string;
  status?: FakeAccount['status'];
  type?: FakeAccount['type'];
  parentSid?: string | null;
  lenient?: boolean;
  apiKeys?: FakeApiKeyInit[];
  numbers?: Array<string | FakeNumberInit>;
  services?: FakeServiceInit[];
  templates?: FakeTemplateInit[];
}

/** An API key (SK…): `standard` keys cannot fetch the Account resource, `main` keys can (as on Twilio). */
export interface FakeApiKey {
  sid: string;
  secret: string;
  friendlyName: string;
  type: 'standard' | 'main';
  dateCreated: Date;
}

export type FakeApiKeyInit = Partial<FakeApiKey>;

/** A phone number of the account: a Twilio number (IncomingPhoneNumbers) and/or a WhatsApp sender (Senders). */
export interface FakeNumber {
  /** PN… */
  sid: string;
  /** E.164 */
  phoneNumber: string;
  friendlyName: string;
  /** Bought from Twilio, so listed in IncomingPhoneNumbers; false for a WhatsApp sender on the customer's own number. */
  incoming: boolean;
  /** Registered as a WhatsApp sender, so `whatsapp:{phoneNumber}` can send while senderStatus is ONLINE. */
  whatsapp: boolean;
  /** XE…, the WhatsApp sender's sid. */
  senderSid: string;
  senderStatus: 'ONLINE' | 'OFFLINE' | 'CREATING' | 'PENDING_VERIFICATION' | 'TWILIO_REVIEW' | 'DRAFT';
  capabilities: { voice: boolean; sms: boolean; mms: boolean; fax: boolean };
  dateCreated: Date;
}

export type FakeNumberInit = Partial<FakeNumber> & { phoneNumber: string };

/** A Messaging Service (MG…) and its sender pool: numbers of the same account, by E.164. */
export interface FakeService {
  sid: string;
  friendlyName: string;
  numbers: string[];
  inboundRequestUrl: string | null;
  statusCallback: string | null;
  dateCreated: Date;
}

/** `numbers` the account does not have yet are added to it. */
export type FakeServiceInit = Partial<FakeService>;

export type FakeApprovalStatus = 'approved' | 'pending' | 'received' | 'rejected' | 'paused' | 'disabled' | 'unsubmitted';

/** A Content API template (HX…) with its WhatsApp approval. */
export interface FakeTemplate {
  sid: string;
  friendlyName: string;
  language: string;
  /** Placeholder sample values, e.g. {"1": "Ana"}. */
  variables: Record<string, string>;
  /** Content types, e.g. {"twilio/text": {"body": "Hi {{1}}"}}. */
  types: Record<string, Record<string, unknown>>;
  approval: { name: string; category: string; status: FakeApprovalStatus; rejectionReason: string; allowCategoryChange: boolean };
  dateCreated: Date;
  dateUpdated: Date;
}

/** `body` alone makes a twilio/text template; `status` (default approved), `category` (UTILITY) and `rejectionReason` its approval. */
export interface FakeTemplateInit {
  sid?: string;
  friendlyName: string;
  language?: string;
  body?: string;
  variables?: Record<string, string>;
  types?: FakeTemplate['types'];
  name?: string;
  status?: FakeApprovalStatus;
  category?: string;
  rejectionReason?: string;
}
