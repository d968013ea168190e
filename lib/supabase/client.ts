import { createBrowserClient } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '@/types/database';
import { publicEnv } from '@/lib/env.public';

export type BrowserClient = SupabaseClient<Database>;

/**
 * The browser's Supabase client. @supabase/ssr caches one per tab, so call this once per component
 * (`useState(() => createClient())`), never in render. Realtime heartbeats run in a Web Worker where there is
 * one, so a background tab's throttled timers do not drop the socket.
 */
export function createClient(): BrowserClient {
  const { NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY } = publicEnv();
  return createBrowserClient<Database>(NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
    realtime: { worker: typeof Worker !== 'undefined' },
  });
}
