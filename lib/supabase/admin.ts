import 'server-only';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '@/types/database';
import { serverEnv } from '@/lib/env';
import { nodeFetch } from '@/lib/http/node-fetch';

let admin: SupabaseClient<Database> | undefined;

/**
 * The service role: bypasses RLS. Only for trusted server paths (Twilio webhooks, sends after the caller's
 * membership was checked). It holds no session, so one instance serves every request. Never import from client
 * code; `server-only` makes that a build error.
 */
export function createAdminClient(): SupabaseClient<Database> {
  if (!admin) {
    const env = serverEnv();
    admin = createClient<Database>(env.NEXT_PUBLIC_SUPABASE_URL, env.SUPABASE_SECRET_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { fetch: nodeFetch },
    });
  }
  return admin;
}
