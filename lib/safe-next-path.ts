/**
 * Where to go after sign-in: a path of this app only, never another origin. `next` comes from the URL and the
 * sign-in form, so it is whatever an attacker's link says. It is resolved with the URL API against our own
 * origin (so it is read the way a browser reads a Location header) and kept only when it stays there.
 *
 * Refused outright, before parsing: control characters (C0 and DEL: browsers strip tab, LF and CR from URLs,
 * so `/\t/evil.test` becomes `//evil.test`, and a raw LF in a Location header is a 500) and backslashes
 * (browsers read `\` as `/` in http URLs).
 */
const OWN_ORIGIN = 'https://switchboard.invalid';
const MAX_LENGTH = 2048;
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f\\]/;

export function safeNextPath(value: unknown, fallback = '/inbox'): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return fallback;
  if (!raw.startsWith('/') || CONTROL_OR_BACKSLASH.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, OWN_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== OWN_ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // dot segments can normalise to `//host` (`/.//evil.test`), which a browser reads as another origin
  if (path.startsWith('//')) return fallback;
  // back to the sign-in page would only ask again
  if (url.pathname === '/login' || url.pathname.startsWith('/login/')) return fallback;
  return path;
}

/**
 * `next` as a mailed link carries it: Supabase Auth's `{{ .RedirectTo }}` is an absolute URL, which is kept (as
 * its path) only when it is on `ownOrigin`, the app's public URL; a path is read as safeNextPath() reads it.
 */
export function safeNextFromLink(value: unknown, ownOrigin: string, fallback = '/inbox'): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string' || raw.startsWith('/')) return safeNextPath(raw, fallback);
  if (raw.length > MAX_LENGTH || CONTROL_OR_BACKSLASH.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(ownOrigin).origin) return fallback;
  return safeNextPath(`${url.pathname}${url.search}${url.hash}`, fallback);
}
