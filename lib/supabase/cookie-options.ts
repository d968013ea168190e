import type { CookieOptionsWithName } from '@supabase/ssr';

/**
 * The session cookie's flags for every server-side Supabase client (server components and actions, route
 * handlers, the proxy), so whichever of them writes the cookie writes the same one. @supabase/ssr defaults to
 * `Path=/; SameSite=Lax` and no `Secure`; production adds `Secure`. A production build served over plain http
 * on a loopback address (the end-to-end stack) keeps it off: there the browser would refuse the cookie.
 */
export function serverCookieOptions(env: Record<string, string | undefined> = process.env): CookieOptionsWithName {
  return { path: '/', sameSite: 'lax', secure: secureCookies(env) };
}

export function secureCookies(env: Record<string, string | undefined>): boolean {
  const base = env.PUBLIC_BASE_URL && URL.canParse(env.PUBLIC_BASE_URL) ? new URL(env.PUBLIC_BASE_URL) : null;
  if (base?.protocol === 'https:') return true;
  if (env.NODE_ENV !== 'production') return false;
  return !(base && base.protocol === 'http:' && isLoopback(base.hostname));
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
