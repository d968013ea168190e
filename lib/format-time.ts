/** Inbox timestamps: time today, weekday this week, date otherwise (in the viewer's locale and zone). */
export function formatListTime(iso: string, now: Date = new Date(), locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  const opts = timeZone ? { timeZone } : {};
  const dayKey = (d: Date) => d.toLocaleDateString('en-CA', opts);
  if (dayKey(date) === dayKey(now)) return date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', ...opts });
  const ageDays = (now.getTime() - date.getTime()) / 86_400_000;
  if (ageDays < 6) return date.toLocaleDateString(locale, { weekday: 'short', ...opts });
  return date.toLocaleDateString(locale, { day: 'numeric', month: 'short', ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}), ...opts });
}

/** A thread's day divider: "Today", "Yesterday", or the weekday and date (with the year when not this year). */
export function dayLabel(iso: string, now: Date = new Date(), locale?: string): string {
  const d = new Date(iso);
  const yesterday = new Date(now.getTime() - 86_400_000);
  if (d.toDateString() === now.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', ...(d.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
}

/**
 * A moment as the same text on the server and in every browser (`2026-12-03 13:10 UTC`), for settings screens that
 * render on both: a locale or time-zone dependent text would differ between them and fail hydration.
 */
export function utcStamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
