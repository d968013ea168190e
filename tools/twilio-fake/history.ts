/**
 * The Messages list, as Twilio answers it: `GET /2010-04-01/Accounts/{AC}/Messages.json`, the account's log of
 * sent and received messages, for a reconciliation sweep to find what its webhooks missed.
 *
 *   To, From        the exact address (`whatsapp:+…`): To finds what a sender received, From what it sent
 *   DateSent        messages sent on that GMT day
 *   DateSent<       on or before that GMT day (the whole day included)
 *   DateSent>       on or after that GMT day (from its midnight)
 *
 * Twilio documents the three date filters at the granularity of a GMT day (`YYYY-MM-DD`; twilio-node's Message
 * list options and the 2010-04-01 API reference say "on and before / on and after a specific date", and Twilio
 * staff answered a question on twilio-oai asking for times with "use YYYY-MM-DD"). twilio-node sends a full
 * ISO 8601 time (`DateSent>=2024-05-03T14:20:00Z`); the fake keeps only its GMT day, so a sweep gets everything
 * of that day again and must skip what it already has, as it must with Twilio. A message not sent yet (no
 * date_sent) matches no date filter. A date that does not parse is Twilio's 400 20001 "Invalid date value".
 *
 * Newest first (by date_sent, else date_created; at the same second, the later recorded first), paged by
 * paging.ts like every 2010-04-01 list (messages.ts answers the route). Another account's messages are never listed: an account sees only its own
 * log, and another account's credentials on this URL are refused before this (auth.ts).
 */
import type { FakeMessage } from './types.ts';

/** The account's messages the query asks for, newest first; null when a date filter does not parse. */
export function selectMessages(log: readonly FakeMessage[], accountSid: string, query: URLSearchParams): FakeMessage[] | null {
  const filter = messageFilter(query);
  if (!filter.ok) return null;
  return log
    .map((m, order) => ({ m, order, at: Date.parse(m.date_sent ?? m.date_created) }))
    .filter(({ m }) => m.account_sid === accountSid && filter.test(m))
    .sort((a, b) => b.at - a.at || b.order - a.order)
    .map(({ m }) => m);
}

type Filter = { ok: true; test: (m: FakeMessage) => boolean } | { ok: false };

/** The list's filters; a date filter that does not parse makes the whole request invalid. */
export function messageFilter(q: URLSearchParams): Filter {
  const to = address(q.get('To'));
  const from = address(q.get('From'));
  const days = { on: gmtDay(q.get('DateSent')), onOrBefore: gmtDay(q.get('DateSent<')), onOrAfter: gmtDay(q.get('DateSent>')) };
  if (days.on === false || days.onOrBefore === false || days.onOrAfter === false) return { ok: false };
  const dated = days.on || days.onOrBefore || days.onOrAfter;
  return {
    ok: true,
    test: (m) => {
      if ((to && m.to !== to) || (from && m.from !== from)) return false;
      if (!dated) return true;
      const day = m.date_sent ? gmtDay(m.date_sent) : null;
      if (!day) return false;
      return (!days.on || day === days.on) && (!days.onOrBefore || day <= days.onOrBefore) && (!days.onOrAfter || day >= days.onOrAfter);
    },
  };
}

/** An address as given; a space where the `+` was stands for the `+` a client left unencoded. */
function address(value: string | null): string | null {
  return value ? value.replace(/^(whatsapp:)? /, '$1+') : null;
}

/** The GMT day (`YYYY-MM-DD`) of a date or date-time; null when absent, false when it does not parse. */
export function gmtDay(value: string | null): string | null | false {
  if (!value) return null;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  return Number.isNaN(day) ? false : new Date(day).toISOString().slice(0, 10);
}
