/** WhatsApp's rules the server enforces and the composer shows: pure, for both sides. */

/** The customer-service window: free text only within 24 h of the customer's last message. */
export const SESSION_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Milliseconds left in the window (0 when closed, or when the customer never wrote). */
export function sessionWindowRemaining(lastInboundAt: string | null, now: number): number {
  const left = lastInboundAt ? Date.parse(lastInboundAt) + SESSION_WINDOW_MS - now : 0;
  return left > 0 ? left : 0; // NaN (an unreadable time) counts as closed
}

/** A template placeholder, `{{n}}`: one or two digits, the keys the send route accepts for variables. */
const PLACEHOLDER = /\{\{(\d{1,2})\}\}/g;

/**
 * The placeholders a template's text asks for, each once, in numeric order ('1', '2', …). The text is the truth:
 * it is what gets filled for the inbox and what Twilio fills; the template's `variables` column only names them.
 * The composer asks for exactly these and the server refuses a send that leaves one empty.
 */
export function templatePlaceholders(body: string): string[] {
  return [...new Set(Array.from(body.matchAll(PLACEHOLDER), (m) => m[1]!))].sort((a, b) => Number(a) - Number(b));
}

/** A template's text with its `{{n}}` placeholders filled; a placeholder without a value stays as it is. */
export function fillTemplate(body: string, values: Record<string, string>): string {
  return body.replace(PLACEHOLDER, (whole, n: string) => values[n] ?? whole);
}
