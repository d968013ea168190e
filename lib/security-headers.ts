/**
 * The security headers of every answer. The static ones are the same for pages and API routes (next.config.ts
 * sends them everywhere; the proxy adds them to its own redirects). The Content-Security-Policy of a page holds
 * a nonce made per request in the proxy: Next reads it from the request's CSP header and puts it on its own
 * scripts, and components/public-env.tsx puts it on ours (docs: app/guides/content-security-policy).
 */

export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // for browsers without CSP frame-ancestors
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** The request header that hands the nonce to server components. */
export const NONCE_HEADER = 'x-nonce';

/** 128 random bits, base64: a fresh one for every page request. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export interface CspOptions {
  nonce: string;
  /** The Supabase API the browser talks to (REST over http(s), Realtime over ws(s)). */
  supabaseUrl: string;
  /** `next dev`: React needs eval for its debugging stacks, and the dev overlay styles itself inline. */
  dev: boolean;
  /** Served over https: ask the browser to upgrade any stray http subresource. */
  https: boolean;
}

export function contentSecurityPolicy({ nonce, supabaseUrl, dev, https }: CspOptions): string {
  const supabase = new URL(supabaseUrl);
  const realtime = `${supabase.protocol === 'https:' ? 'wss:' : 'ws:'}//${supabase.host}`;
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' ${supabase.origin} ${realtime}`,
    // supabase-js runs its Realtime heartbeat in a Worker made from a blob: URL
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}
