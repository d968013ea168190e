import { createBrowserClient } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '@/types/database';
import { publicEnv, type PublicEnv } from '@/lib/env.public';

export type BrowserClient = SupabaseClient<Database>;

/**
 * The browser's Supabase client. @supabase/ssr caches one per tab, so call this once per component
 * (`useState(() => createClient())`), never in render. Realtime heartbeats run in a Web Worker where there is
 * one, so a background tab's throttled timers do not drop the socket. `env` is the public configuration; a caller
 * that has it from the server passes it (the root layout's script does not run in a document rendered in the
 * browser).
 */
export function createClient(env: PublicEnv = publicEnv()): BrowserClient {
  const { NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY } = env;
  return createBrowserClient<Database>(NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
    realtime: { worker: typeof Worker !== 'undefined' },
    // the same flags as the server's (lib/supabase/cookie-options.ts) when this tab refreshes the session itself
    cookieOptions: { path: '/', sameSite: 'lax', secure: typeof location !== 'undefined' && location.protocol === 'https:' },
  });
}
