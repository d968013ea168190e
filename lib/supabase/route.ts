import 'server-only';
import { createServerClient, parseCookieHeader } from '@supabase/ssr';
import { createClient as createBearerClient } from '@supabase/supabase-js';
import type { Database } from '@/types/database';
import { publicEnv } from '@/lib/env.public';
import { serverCookieOptions } from '@/lib/supabase/cookie-options';

/**
 * A Supabase client acting as the caller of an API route: the browser's session cookie, or an
 * `Authorization: Bearer <access token>` for other callers. Built from the request itself, one per request.
 * (proxy.ts has already refreshed the cookie session before the route runs.)
 */
export function createClient(request: Request) {
  const { NEXT_PUBLIC_SUPABASE_URL: url, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: key } = publicEnv();
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (bearer) {
    return createBearerClient<Database>(url, key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { headers: { Authorization: `Bearer ${bearer}` } },
    });
  }
  return createServerClient<Database>(url, key, {
    cookieOptions: serverCookieOptions(),
    cookies: {
      getAll: () => parseCookieHeader(request.headers.get('cookie') ?? '').map((c) => ({ name: c.name, value: c.value ?? '' })),
      setAll: () => {},
    },
  });
}

/** The caller's user id, checked with the auth server (a revoked session is not trusted). */
export async function requireUser(client: ReturnType<typeof createClient>, request: Request): Promise<string | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const { data } = bearer ? await client.auth.getUser(bearer) : await client.auth.getUser();
  return data.user?.id ?? null;
}
