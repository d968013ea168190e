/**
 * The accounts the fake knows and what belongs to each: API keys, numbers (Twilio numbers and WhatsApp senders),
 * Messaging Services and Content templates. As on Twilio, every sid and every number is held by one account only,
 * so a lookup by key, number, service or template answers which account holds it. reset() goes back to the
 * accounts the fake started with.
 */
import { randomBytes } from 'node:crypto';
import type {
  FakeAccount,
  FakeAccountInit,
  FakeApiKey,
  FakeApiKeyInit,
  FakeNumber,
  FakeNumberInit,
  FakeService,
  FakeServiceInit,
  FakeTemplate,
  FakeTemplateInit,
} from './types.ts';
import { sid } from './webhooks.ts';

/** Twilio's WhatsApp Sandbox: a number of Twilio's own, shared by every account, in no account's numbers. */
export const SANDBOX_NUMBER = '+14155238886';

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
const E164 = /^\+[1-9]\d{6,14}$/;

export class Directory {
  readonly #accounts = new Map<string, FakeAccount>();

  /** `initial`: the accounts to hold at start and after every reset. */
  constructor(private readonly initial: () => FakeAccountInit[]) {
    this.reset();
  }

  reset(): void {
    this.#accounts.clear();
    for (const init of this.initial()) this.addAccount(init);
  }

  get(accountSid: string): FakeAccount | undefined {
    return this.#accounts.get(accountSid);
  }

  all(): FakeAccount[] {
    return [...this.#accounts.values()];
  }

  /** The account and key of an API key sid. */
  apiKey(keySid: string): { account: FakeAccount; key: FakeApiKey } | undefined {
    for (const account of this.#accounts.values()) {
      const key = account.apiKeys.find((k) => k.sid === keySid);
      if (key) return { account, key };
    }
  }

  /** Who holds a number (E.164), if anyone does. */
  number(phoneNumber: string): { account: FakeAccount; number: FakeNumber } | undefined {
    for (const account of this.#accounts.values()) {
      const number = account.numbers.find((n) => n.phoneNumber === phoneNumber);
      if (number) return { account, number };
    }
  }

  service(serviceSid: string): { account: FakeAccount; service: FakeService } | undefined {
    for (const account of this.#accounts.values()) {
      const service = account.services.find((s) => s.sid === serviceSid);
      if (service) return { account, service };
    }
  }

  template(contentSid: string): { account: FakeAccount; template: FakeTemplate } | undefined {
    for (const account of this.#accounts.values()) {
      const template = account.templates.find((t) => t.sid === contentSid);
      if (template) return { account, template };
    }
  }

  addAccount(init: FakeAccountInit = {}): FakeAccount {
    const accountSid = checkSid('AC', init.sid ?? sid('AC'));
    if (this.#accounts.has(accountSid)) throw new Error(`twilio fake: account ${accountSid} exists already`);
    if (init.parentSid && !this.#accounts.has(init.parentSid)) throw new Error(`twilio fake: no parent account ${init.parentSid}`);
    const account: FakeAccount = {
      sid: accountSid,
      authToken: init.authToken ?? randomBytes(16).toString('hex'),
      friendlyName: init.friendlyName ?? `Account ${accountSid.slice(-6)}`,
      status: init.status ?? 'active',
      type: init.type ?? 'Full',
      parentSid: init.parentSid ?? null,
      lenient: init.lenient ?? false,
      dateCreated: new Date(),
      apiKeys: [],
      numbers: [],
      services: [],
      templates: [],
    };
    this.#accounts.set(accountSid, account);
    try {
      for (const k of init.apiKeys ?? []) this.addApiKey(accountSid, k);
      for (const n of init.numbers ?? []) this.addNumber(accountSid, n);
      for (const s of init.services ?? []) this.addService(accountSid, s);
      for (const t of init.templates ?? []) this.addTemplate(accountSid, t);
    } catch (e) {
      this.#accounts.delete(accountSid); // all or nothing
      throw e;
    }
    return account;
  }

  addApiKey(accountSid: string, init: FakeApiKeyInit = {}): FakeApiKey {
    const account = this.#require(accountSid);
    const keySid = checkSid('SK', init.sid ?? sid('SK'));
    if (this.apiKey(keySid)) throw new Error(`twilio fake: API key ${keySid} exists already`);
    const key: FakeApiKey = {
      sid: keySid,
      secret: init.secret ?? randomBytes(24).toString('base64url').slice(0, 32),
      friendlyName: init.friendlyName ?? 'API key',
      type: init.type ?? 'standard',
      dateCreated: new Date(),
    };
    account.apiKeys.push(key);
    return key;
  }

  addNumber(accountSid: string, init: string | FakeNumberInit): FakeNumber {
    const account = this.#require(accountSid);
    const fields: FakeNumberInit = typeof init === 'string' ? { phoneNumber: init } : init;
    const phoneNumber = fields.phoneNumber.replace(/^whatsapp:/, '');
    if (!E164.test(phoneNumber)) throw new Error(`twilio fake: ${phoneNumber} is not an E.164 number`);
    if (phoneNumber === SANDBOX_NUMBER) throw new Error('twilio fake: the WhatsApp Sandbox number is Twilio\'s; every account may send from it already');
    const holder = this.number(phoneNumber);
    if (holder) throw new Error(`twilio fake: ${phoneNumber} belongs to ${holder.account.sid} already`);
    const number: FakeNumber = {
      sid: checkSid('PN', fields.sid ?? sid('PN')),
      phoneNumber,
      friendlyName: fields.friendlyName ?? friendlyNumber(phoneNumber),
      incoming: fields.incoming ?? true,
      whatsapp: fields.whatsapp ?? true,
      senderSid: checkSid('XE', fields.senderSid ?? sid('XE')),
      senderStatus: fields.senderStatus ?? 'ONLINE',
      capabilities: { voice: true, sms: true, mms: true, fax: false, ...fields.capabilities },
      dateCreated: new Date(),
    };
    account.numbers.push(number);
    return number;
  }

  addService(accountSid: string, init: FakeServiceInit = {}): FakeService {
    const account = this.#require(accountSid);
    const serviceSid = checkSid('MG', init.sid ?? sid('MG'));
    if (this.service(serviceSid)) throw new Error(`twilio fake: Messaging Service ${serviceSid} exists already`);
    const numbers = (init.numbers ?? []).map((n) => n.replace(/^whatsapp:/, ''));
    for (const n of numbers) if (!account.numbers.some((x) => x.phoneNumber === n)) this.addNumber(accountSid, n);
    const service: FakeService = {
      sid: serviceSid,
      friendlyName: init.friendlyName ?? 'Messaging Service',
      numbers,
      inboundRequestUrl: init.inboundRequestUrl ?? null,
      statusCallback: init.statusCallback ?? null,
      dateCreated: new Date(),
    };
    account.services.push(service);
    return service;
  }

  addTemplate(accountSid: string, init: FakeTemplateInit): FakeTemplate {
    const account = this.#require(accountSid);
    const contentSid = checkSid('HX', init.sid ?? sid('HX'));
    if (this.template(contentSid)) throw new Error(`twilio fake: template ${contentSid} exists already`);
    if (!init.types && init.body === undefined) throw new Error('twilio fake: a template needs a body or types');
    const now = new Date();
    const template: FakeTemplate = {
      sid: contentSid,
      friendlyName: init.friendlyName,
      language: init.language ?? 'en',
      variables: structuredClone(init.variables ?? {}), // a live template never changes its init (DEMO_TEMPLATES)
      types: structuredClone(init.types ?? { 'twilio/text': { body: init.body } }),
      approval: {
        name: init.name ?? (init.friendlyName.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'template'),
        category: init.category ?? 'UTILITY',
        status: init.status ?? 'approved',
        rejectionReason: init.rejectionReason ?? '',
        allowCategoryChange: false,
      },
      dateCreated: now,
      dateUpdated: now,
    };
    account.templates.push(template);
    return template;
  }

  #require(accountSid: string): FakeAccount {
    const account = this.#accounts.get(accountSid);
    if (!account) throw new Error(`twilio fake: no account ${accountSid}`);
    return account;
  }
}

function checkSid(prefix: string, value: string): string {
  if (!SID(prefix).test(value)) throw new Error(`twilio fake: ${value} is not a ${prefix} sid (${prefix} + 32 hex)`);
  return value;
}

/** Twilio's friendly name of a number: (415) 555-0100 for North America, the E.164 number otherwise. */
export function friendlyNumber(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}
