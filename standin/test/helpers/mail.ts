import { LOCAL_SECRET_KEY } from '../../src/keys.ts';
import { standinUrl } from './clients.ts';

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  kind: string;
  html: string;
  text: string;
  sentAt: string;
}

/** The mails the stand-in's auth sent to `to`, newest first (the outbox API, read with the secret key). */
export async function mailsTo(to: string, url = standinUrl()): Promise<OutboxMail[]> {
  const res = await fetch(`${url}/mail/v1/messages?to=${encodeURIComponent(to)}`, { headers: { apikey: LOCAL_SECRET_KEY } });
  if (res.status !== 200) throw new Error(`outbox answered ${res.status}`);
  const { messages } = (await res.json()) as { messages: { id: string }[] };
  return Promise.all(
    messages.map(async ({ id }) => (await (await fetch(`${url}/mail/v1/messages/${id}`, { headers: { apikey: LOCAL_SECRET_KEY } })).json()) as OutboxMail),
  );
}

/** The links of a mail's HTML, in order (`&amp;` decoded). */
export function linksOf(mail: OutboxMail): URL[] {
  return [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&')));
}
