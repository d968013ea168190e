/**
 * What a send may use, for one account, as Twilio decides it at create (400) or later (a failed callback):
 *
 *   From whatsapp:+…           the account's WhatsApp sender, ONLINE; else 63007 "Twilio could not find a Channel
 *                              with the specified 'From' address" (also for another account's sender)
 *   From +… (no channel)       the account's number; else 21660 "Mismatch between the 'From' number and the account"
 *   From whatsapp:+14155238886 the WhatsApp Sandbox: every account may send from it (it is Twilio's, in no account)
 *   MessagingServiceSid        the account's service (21701 "The Messaging Service does not exist" for another
 *                              account's or an unknown one); without From, its first ONLINE WhatsApp sender sends
 *                              (none: 21704, "The Messaging Service contains no phone numbers")
 *   ContentSid                 the account's template; another account's or an unknown one is 21655 "The ContentSid
 *                              is Invalid"; one not approved (yet) is accepted and then fails with 63027 "Template
 *                              does not exist for a language and locale", the WhatsApp code Twilio reports for it
 *
 * A lenient account (the demo one) may also send from a number, and with a ContentSid, that no account holds.
 */
import { SANDBOX_NUMBER, type Directory } from './accounts.ts';
import type { FakeAccount, FakeFailure } from './types.ts';

export type Refusal = { ok: false; code: number; message: string };

export interface SendChecks {
  /** The sender of a send: its From, or one of its Messaging Service's; or why Twilio refuses it. */
  sender(from: string | null, serviceSid: string | null): { ok: true; from: string } | Refusal;
  /** Whether a ContentSid may be sent, and the failure it meets later if it is not approved. */
  content(contentSid: string): { ok: true; failure?: FakeFailure } | Refusal;
}

const refuse = (code: number, message: string): Refusal => ({ ok: false, code, message });

export function sendChecks(directory: Directory, account: FakeAccount): SendChecks {
  return {
    sender(from, serviceSid) {
      const service = serviceSid ? account.services.find((s) => s.sid === serviceSid) : undefined;
      if (serviceSid && !service) return refuse(21701, `The Messaging Service ${serviceSid} does not exist`);
      if (!from) {
        const pick = service!.numbers
          .map((e164) => account.numbers.find((n) => n.phoneNumber === e164))
          .find((n) => n?.whatsapp && n.senderStatus === 'ONLINE');
        return pick ? { ok: true, from: `whatsapp:${pick.phoneNumber}` } : refuse(21704, 'The Messaging Service contains no phone numbers');
      }
      const whatsapp = from.startsWith('whatsapp:');
      const phone = from.replace(/^whatsapp:/, '');
      if (whatsapp && phone === SANDBOX_NUMBER) return { ok: true, from };
      const holder = directory.number(phone);
      const mine = holder?.account.sid === account.sid ? holder.number : undefined;
      const usable = whatsapp ? mine?.whatsapp && mine.senderStatus === 'ONLINE' : mine?.incoming;
      if (usable || (!holder && account.lenient)) return { ok: true, from };
      return whatsapp
        ? refuse(63007, "Twilio could not find a Channel with the specified From address")
        : refuse(21660, "Mismatch between the 'From' number and the account");
    },
    content(contentSid) {
      const holder = directory.template(contentSid);
      if (!holder) return account.lenient ? { ok: true } : refuse(21655, 'The ContentSid is Invalid');
      if (holder.account.sid !== account.sid) return refuse(21655, 'The ContentSid is Invalid');
      if (holder.template.approval.status === 'approved') return { ok: true };
      return { ok: true, failure: { code: 63027, stage: 'callback', status: 'failed' } };
    },
  };
}
