import { createServerClient } from '@supabase/ssr';
import { NextResponse, type NextRequest } from 'next/server';
import { publicEnv } from '@/lib/env.public';
import { contentSecurityPolicy, createNonce, NONCE_HEADER, STATIC_SECURITY_HEADERS } from '@/lib/security-headers';
import { serverCookieOptions } from '@/lib/supabase/cookie-options';

/**
 * Pages a visitor without a session may see: an invitation says what it is for before they sign in, and a mailed
 * link (/auth/confirm) is how they sign in.
 */
const PUBLIC_PATHS = ['/login', '/signup', '/invite/', '/auth/confirm', '/reset-password'];
const SIGNED_OUT_ONLY = ['/login', '/signup'];

/**
 * Runs before every page: gives the page its Content-Security-Policy with a fresh nonce, refreshes the session
 * cookie (Server Components cannot write cookies), and sends visitors without a session to /login, remembering
 * where they were going.
 */
export async function updateSession(request: NextRequest) {
  const { NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY } = publicEnv();
  const nonce = createNonce();
  const csp = contentSecurityPolicy({
    nonce,
    supabaseUrl: NEXT_PUBLIC_SUPABASE_URL,
    dev: process.env.NODE_ENV === 'development',
    https: (process.env.PUBLIC_BASE_URL ?? '').startsWith('https:'),
  });
  // Next takes the nonce for its own scripts from the request's CSP header; x-nonce is for ours. Set (not
  // appended), so a client cannot bring its own.
  request.headers.set(NONCE_HEADER, nonce);
  request.headers.set('content-security-policy', csp);

  let response = NextResponse.next({ request });
  const supabase = createServerClient(NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
    cookieOptions: serverCookieOptions(),
    cookies: {
      getAll: () => request.cookies.getAll(),
      setAll(cookiesToSet, headers) {
        for (const { name, value } of cookiesToSet) request.cookies.set(name, value);
        response = NextResponse.next({ request });
        for (const { name, value, options } of cookiesToSet) response.cookies.set(name, value, options);
        for (const [key, value] of Object.entries(headers ?? {})) response.headers.set(key, value);
      },
    },
  });

  // Do not put code between createServerClient and getClaims(): a refresh that happens there would be lost.
  const { data } = await supabase.auth.getClaims();
  const signedIn = Boolean(data?.claims?.sub);
  const { pathname, search } = request.nextUrl;

  if (!signedIn && !PUBLIC_PATHS.some((p) => pathname.startsWith(p))) {
    const url = request.nextUrl.clone();
    url.pathname = '/login';
    url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return secured(withCookies(NextResponse.redirect(url), response), csp);
  }
  if (signedIn && SIGNED_OUT_ONLY.includes(pathname)) {
    const url = request.nextUrl.clone();
    url.pathname = '/inbox';
    url.search = '';
    return secured(withCookies(NextResponse.redirect(url), response), csp);
  }
  if (!decodable(pathname)) {
    // Next cannot decode such a path into a dynamic segment (`/inbox/%E0%A4%A`) and would answer a bare 500:
    // it is simply not a page of ours
    const notFound = NextResponse.rewrite(new URL('/_not-found', request.url), { request });
    return secured(withCookies(notFound, response), csp);
  }
  return secured(response, csp);
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** A redirect must carry the refreshed cookies too, or the browser keeps the stale session. */
function withCookies(target: NextResponse, source: NextResponse): NextResponse {
  for (const cookie of source.cookies.getAll()) target.cookies.set(cookie);
  return target;
}

/** Every answer of the proxy, page or redirect, carries the security headers. */
function secured(response: NextResponse, csp: string): NextResponse {
  response.headers.set('Content-Security-Policy', csp);
  for (const { key, value } of STATIC_SECURITY_HEADERS) response.headers.set(key, value);
  return response;
}
